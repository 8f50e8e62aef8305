using MicroSeg.Runtime.Activation;
using MicroSeg.Runtime.Client;
using MicroSeg.Runtime.Hosting;
using MicroSeg.Runtime.Postgres;
using MicroSeg.Runtime.Streams;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MicroSeg.Runtime.Hosting;

/// <summary>Durable stream providers (Orleans <c>AddMemoryStreams</c> / persistent stream providers).</summary>
public static class StreamHostingExtensions
{
    /// <summary>Adds a stream provider whose log is in this silo's memory (tests, single silo): lost on restart.</summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="name">The provider name used in GetStreamProvider(name).</param>
    /// <param name="configure">Changes delivery options.</param>
    /// <returns>The builder.</returns>
    public static ISiloBuilder AddMemoryStreams(this ISiloBuilder builder, string name, Action<StreamOptions>? configure = null) =>
        AddStreams(builder, name, configure, _ => new MemoryStreamLog());

    /// <summary>Adds a stream provider whose log is a SQLite file (embedded single silo): survives restarts.</summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="name">The provider name.</param>
    /// <param name="configure">Sets the database path.</param>
    /// <param name="configureDelivery">Changes delivery options.</param>
    /// <returns>The builder.</returns>
    public static ISiloBuilder AddSqliteStreams(this ISiloBuilder builder, string name, Action<SqliteStreamOptions> configure, Action<StreamOptions>? configureDelivery = null)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var options = new SqliteStreamOptions();
        configure(options);
        if (string.IsNullOrWhiteSpace(options.DatabasePath))
            throw new ArgumentException($"SqliteStreamOptions.DatabasePath of stream provider '{name}' is empty; set it to e.g. <data dir>/microseg.db.", nameof(configure));
        if (options.BusyTimeout <= TimeSpan.Zero)
            throw new ArgumentException($"SqliteStreamOptions.BusyTimeout of stream provider '{name}' must be positive.", nameof(configure));
        return AddStreams(builder, name, configureDelivery, _ => new SqliteStreamLog(options));
    }

    /// <summary>Adds a stream provider whose log is in PostgreSQL (cluster): every silo of the cluster shares it.</summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="name">The provider name.</param>
    /// <param name="configure">Sets the connection string.</param>
    /// <param name="configureDelivery">Changes delivery options (the same on every silo).</param>
    /// <returns>The builder.</returns>
    public static ISiloBuilder AddPostgresStreams(this ISiloBuilder builder, string name, Action<PostgresStreamOptions> configure, Action<StreamOptions>? configureDelivery = null)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var options = new PostgresStreamOptions();
        configure(options);
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
            throw new ArgumentException($"PostgresStreamOptions.ConnectionString of stream provider '{name}' is empty; set it to e.g. Host=…;Database=microseg.", nameof(configure));
        builder.Services.TryAddSingleton<PostgresDatabases>();
        return AddStreams(builder, name, configureDelivery, sp =>
        {
            var cluster = options.ClusterId ?? sp.GetService<IOptions<PostgresClusteringOptions>>()?.Value.ClusterId ?? "microseg";
            return new PostgresStreamLog(sp.GetRequiredService<PostgresDatabases>().Get(options.ConnectionString), $"{cluster}/{name}");
        });
    }

    private static ISiloBuilder AddStreams(ISiloBuilder builder, string name, Action<StreamOptions>? configure, Func<IServiceProvider, IStreamLog> log)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var services = builder.Services;
        if (services.Any(s => s.IsKeyedService && Equals(s.ServiceKey, name) && s.ServiceType == typeof(StreamProviderRuntime)))
            throw new InvalidOperationException($"A stream provider named '{name}' is already registered.");
        var optionsBuilder = services.AddOptions<StreamOptions>(name).BindConfiguration($"MicroSeg:Streams:{name}").ValidateOnStart();
        if (configure is not null)
            optionsBuilder.Configure(configure);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StreamOptions>, StreamOptionsValidator>());
        services.AddSingleton(new GrainAssembly(typeof(StreamPublisherGrain).Assembly));
        services.AddKeyedSingleton(name, (sp, _) => new StreamProviderRuntime(name, log(sp), sp.GetRequiredService<IOptionsMonitor<StreamOptions>>().Get(name), sp));
        services.AddKeyedSingleton<IStreamProvider>(name, (sp, _) => sp.GetRequiredKeyedService<StreamProviderRuntime>(name).Unbound);
        services.AddSingleton<IHostedService>(sp => new StreamPullingAgent(sp.GetRequiredKeyedService<StreamProviderRuntime>(name), sp, sp.GetRequiredService<ILogger<StreamPullingAgent>>()));
        services.AddKeyedSingleton(name, (sp, _) => new StreamLogTrimmer(sp.GetRequiredKeyedService<StreamProviderRuntime>(name), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<StreamLogTrimmer>>()));
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredKeyedService<StreamLogTrimmer>(name));
        return builder;
    }
}
