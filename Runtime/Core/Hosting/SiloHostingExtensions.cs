using MicroSeg.Runtime.Activation;
using MicroSeg.Runtime.Gateway;
using MicroSeg.Runtime.Invocation;
using MicroSeg.Runtime.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MicroSeg.Runtime.Hosting;

/// <summary>Hosts a silo in a generic host or web application (Orleans <c>UseOrleans</c>).</summary>
public static class SiloHostingExtensions
{
    /// <summary>
    /// Adds the grain runtime: activations, grain storage, the TCP gateway (its own Kestrel listener) and
    /// <see cref="IGrainFactory"/>/<see cref="IClusterClient"/> for in-process callers such as the REST API.
    /// </summary>
    /// <param name="builder">The host builder (<c>Host.CreateApplicationBuilder()</c> or <c>WebApplication.CreateBuilder()</c>).</param>
    /// <param name="configure">Configures clustering, grains and storage.</param>
    /// <returns>The builder.</returns>
    public static IHostApplicationBuilder UseMicroSegSilo(this IHostApplicationBuilder builder, Action<ISiloBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var services = builder.Services;
        if (services.Any(s => s.ServiceType == typeof(ClusterClientMarker)))
            throw new InvalidOperationException("UseMicroSegSilo and UseMicroSegClient cannot be used in the same host; a silo's IGrainFactory already calls grains.");
        configure(new SiloBuilder(services, builder.Configuration));
        if (services.Any(s => s.ServiceType == typeof(SiloMarker)))
            return builder;
        services.AddSingleton<SiloMarker>();

        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<EndpointOptions>().BindConfiguration("MicroSeg:Endpoints").ValidateOnStart();
        services.AddOptions<GrainCollectionOptions>().BindConfiguration("MicroSeg:GrainCollection").ValidateOnStart();
        services.AddOptions<SiloMessagingOptions>().BindConfiguration("MicroSeg:Messaging").ValidateOnStart();
        services.AddSingleton<IValidateOptions<EndpointOptions>, SiloOptionsValidator>();
        services.AddSingleton<IValidateOptions<GrainCollectionOptions>, SiloOptionsValidator>();
        services.AddSingleton<IValidateOptions<SiloMessagingOptions>, SiloOptionsValidator>();

        services.AddSingleton<GrainTypeRegistry>();
        services.AddSingleton(_ => new ObserverRegistry(Guid.NewGuid()));
        services.AddSingleton(sp => new GrainSerializer(sp.GetServices<JsonResolverRegistration>(), sp));
        services.AddSingleton<Catalog>();
        services.AddSingleton<SiloGrainFactory>();
        services.AddSingleton<IGrainFactory>(sp => sp.GetRequiredService<SiloGrainFactory>());
        services.AddSingleton<IClusterClient>(sp => sp.GetRequiredService<SiloGrainFactory>());
        services.AddSingleton<IReferenceRuntime>(sp => sp.GetRequiredService<SiloGrainFactory>());
        services.AddSingleton<LocalSiloDetails>();
        services.AddSingleton<ILocalSiloDetails>(sp => sp.GetRequiredService<LocalSiloDetails>());
        services.AddSingleton<GatewayService>();
        services.AddSingleton<GatewayServer>();
        services.AddSingleton<Cluster.ClusterView>();
        services.AddSingleton<Cluster.SiloConnections>();
        services.AddSingleton<Cluster.MembershipGossip>();
        services.AddSingleton<Cluster.MembershipService>();
        services.AddSingleton<SiloReadiness>();
        services.AddSingleton<SiloHostedService>();
        services.AddHostedService(sp => sp.GetRequiredService<SiloHostedService>());
        Diagnostics.StatisticsRegistration.AddRuntimeStatistics(services);
        return builder;
    }

    private sealed class SiloMarker;
}

/// <summary>Hosts a cluster client (Orleans <c>UseOrleansClient</c>).</summary>
public static class ClientHostingExtensions
{
    /// <summary>
    /// Adds a cluster client that connects to the gateways in the background and keeps reconnecting forever;
    /// registers <see cref="IClusterClient"/> and <see cref="IGrainFactory"/>, and notifies registered
    /// <see cref="IClusterConnectionStatusObserver"/>s.
    /// </summary>
    /// <param name="builder">The host builder.</param>
    /// <param name="configure">Configures gateways and options.</param>
    /// <returns>The builder.</returns>
    public static IHostApplicationBuilder UseMicroSegClient(this IHostApplicationBuilder builder, Action<IClientBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var services = builder.Services;
        if (services.Any(s => s.ServiceType == typeof(SiloGrainFactory)))
            throw new InvalidOperationException("UseMicroSegSilo and UseMicroSegClient cannot be used in the same host; a silo's IGrainFactory already calls grains.");
        configure(new ClientBuilder(services, builder.Configuration));
        if (services.Any(s => s.ServiceType == typeof(ClusterClientMarker)))
            return builder;
        services.AddSingleton<ClusterClientMarker>();

        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<ClientMessagingOptions>().BindConfiguration("MicroSeg:Client").ValidateOnStart();
        services.AddSingleton<IValidateOptions<ClientMessagingOptions>, ClientOptionsValidator>();
        services.TryAddSingleton<Client.IGatewayListProvider, Client.StaticGatewayListProvider>();
        services.AddSingleton(sp => new Client.ClusterClient(sp.GetServices<JsonResolverRegistration>()));
        services.AddSingleton<IClusterClient>(sp => sp.GetRequiredService<Client.ClusterClient>());
        services.AddSingleton<IGrainFactory>(sp => sp.GetRequiredService<Client.ClusterClient>());
        services.AddHostedService<Client.ClientConnector>();
        return builder;
    }
}

internal sealed class ClusterClientMarker;
