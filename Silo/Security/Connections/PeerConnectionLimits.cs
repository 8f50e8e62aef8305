using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace MicroSeg.Silo.Security.Connections;

/// <summary>Tracks the connections of both Orleans ports and closes revoked and idle ones (<see cref="PeerConnectionSweeper"/>).</summary>
internal static class PeerConnectionLimits
{
    /// <summary>Call after the TLS middleware is configured, so the tracking sees the peer's certificate.</summary>
    public static ISiloBuilder AddPeerConnectionLimits(this ISiloBuilder silo, Action<PeerConnectionOptions> configure)
    {
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.AddSingleton<PeerConnections>();
        silo.Services.AddSingleton<IValidateOptions<PeerConnectionOptions>, PeerConnectionOptionsValidator>();
        silo.Services.AddOptions<PeerConnectionOptions>().Configure(configure).ValidateOnStart();
        silo.Services.AddHostedService<PeerConnectionSweeper>();
        silo.Configure<SiloConnectionOptions>(o =>
        {
            o.ConfigureGatewayInboundConnection(connection => connection.UsePeerTracking("gateway", closesWhenIdle: true));
            o.ConfigureSiloInboundConnection(connection => connection.UsePeerTracking("silo", closesWhenIdle: false));
        });
        return silo;
    }
}
