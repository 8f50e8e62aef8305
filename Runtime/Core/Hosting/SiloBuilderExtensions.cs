using System.Reflection;
using System.Text.Json.Serialization.Metadata;
using MicroSeg.Runtime.Activation;
using MicroSeg.Runtime.Serialization;
using MicroSeg.Runtime.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace MicroSeg.Runtime.Hosting;

/// <summary>Silo configuration (Orleans silo builder extensions).</summary>
public static class SiloBuilderExtensions
{
    /// <summary>Runs a single silo on this machine, its gateway on 127.0.0.1.</summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="siloPort">Silo-to-silo port (reserved).</param>
    /// <param name="gatewayPort">Port clients connect to; 0 picks a free one.</param>
    /// <returns>The builder.</returns>
    public static ISiloBuilder UseLocalhostClustering(this ISiloBuilder builder, int siloPort = 11111, int gatewayPort = 30000)
    {
        builder.Services.Configure<EndpointOptions>(o =>
        {
            o.SiloPort = siloPort;
            o.GatewayPort = gatewayPort;
        });
        return builder;
    }

    /// <summary>Changes where the silo listens, e.g. <c>o.GatewayListenAddress = "0.0.0.0"</c>.</summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="configure">Changes the options.</param>
    /// <returns>The builder.</returns>
    public static ISiloBuilder ConfigureEndpoints(this ISiloBuilder builder, Action<EndpointOptions> configure)
    {
        builder.Services.Configure(configure);
        return builder;
    }

    /// <summary>Registers the grain classes of the assemblies and the grain and observer interfaces they declare.</summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="assemblies">Assemblies holding grain classes or interfaces.</param>
    /// <returns>The builder.</returns>
    public static ISiloBuilder AddGrains(this ISiloBuilder builder, params Assembly[] assemblies)
    {
        foreach (var assembly in assemblies)
            builder.Services.AddSingleton(new GrainAssembly(assembly));
        return builder;
    }

    /// <summary>Adds an in-memory grain storage provider.</summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="name">The provider name used in [PersistentState(state, name)].</param>
    /// <returns>The builder.</returns>
    public static ISiloBuilder AddMemoryGrainStorage(this ISiloBuilder builder, string name)
    {
        builder.Services.AddKeyedSingleton<IGrainStorage>(name, (_, _) => new MemoryGrainStorage());
        return builder;
    }

    /// <summary>Adds an in-memory grain storage provider as the default.</summary>
    /// <param name="builder">The silo builder.</param>
    /// <returns>The builder.</returns>
    public static ISiloBuilder AddMemoryGrainStorageAsDefault(this ISiloBuilder builder) =>
        builder.AddMemoryGrainStorage(GrainStorageNames.Default);

    /// <summary>Adds a SQLite grain storage provider.</summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="name">The provider name used in [PersistentState(state, name)].</param>
    /// <param name="configure">Sets the database path and options.</param>
    /// <returns>The builder.</returns>
    public static ISiloBuilder AddSqliteGrainStorage(this ISiloBuilder builder, string name, Action<SqliteGrainStorageOptions> configure)
    {
        var options = new SqliteGrainStorageOptions();
        configure(options);
        if (string.IsNullOrWhiteSpace(options.DatabasePath))
            throw new ArgumentException($"SqliteGrainStorageOptions.DatabasePath of grain storage '{name}' is empty; set it to e.g. <data dir>/microseg.db.", nameof(configure));
        if (options.BusyTimeout <= TimeSpan.Zero)
            throw new ArgumentException($"SqliteGrainStorageOptions.BusyTimeout of grain storage '{name}' must be positive.", nameof(configure));
        builder.Services.AddKeyedSingleton<IGrainStorage>(name, (_, _) => new SqliteGrainStorage(options));
        return builder;
    }

    /// <summary>Adds a SQLite grain storage provider as the default.</summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="configure">Sets the database path and options.</param>
    /// <returns>The builder.</returns>
    public static ISiloBuilder AddSqliteGrainStorageAsDefault(this ISiloBuilder builder, Action<SqliteGrainStorageOptions> configure) =>
        builder.AddSqliteGrainStorage(GrainStorageNames.Default, configure);

    /// <summary>Adds JSON metadata (e.g. a source-generated JsonSerializerContext) used before reflection for arguments, results and state.</summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="resolver">The resolver.</param>
    /// <returns>The builder.</returns>
    public static ISiloBuilder AddJsonTypeInfoResolver(this ISiloBuilder builder, IJsonTypeInfoResolver resolver)
    {
        builder.Services.AddSingleton(new JsonResolverRegistration(resolver));
        return builder;
    }
}

/// <summary>Cluster client configuration (Orleans client builder extensions).</summary>
public static class ClientBuilderExtensions
{
    /// <summary>Sets the gateways to connect to, as "host:port", tried in turn.</summary>
    /// <param name="builder">The client builder.</param>
    /// <param name="hostPorts">The gateways.</param>
    /// <returns>The builder.</returns>
    public static IClientBuilder UseStaticGateways(this IClientBuilder builder, params string[] hostPorts)
    {
        builder.Services.Configure<ClientMessagingOptions>(o => o.Gateways = [.. hostPorts]);
        return builder;
    }

    /// <summary>Changes the client's options (timeouts, reconnection delay).</summary>
    /// <param name="builder">The client builder.</param>
    /// <param name="configure">Changes the options.</param>
    /// <returns>The builder.</returns>
    public static IClientBuilder Configure(this IClientBuilder builder, Action<ClientMessagingOptions> configure)
    {
        builder.Services.Configure(configure);
        return builder;
    }

    /// <summary>Adds JSON metadata (e.g. a source-generated JsonSerializerContext) used before reflection.</summary>
    /// <param name="builder">The client builder.</param>
    /// <param name="resolver">The resolver.</param>
    /// <returns>The builder.</returns>
    public static IClientBuilder AddJsonTypeInfoResolver(this IClientBuilder builder, IJsonTypeInfoResolver resolver)
    {
        builder.Services.AddSingleton(new JsonResolverRegistration(resolver));
        return builder;
    }
}
