using MicroSeg.Runtime.Cluster;
using MicroSeg.Runtime.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MicroSeg.Runtime.TestingHost;

/// <summary>One silo of a <see cref="TestCluster"/> (Orleans <c>SiloHandle</c>): its host, ports and current view.</summary>
public sealed class TestClusterSilo
{
    private readonly IHost _host;
    private bool _stopped;

    internal TestClusterSilo(IHost host)
    {
        _host = host;
        View = host.Services.GetRequiredService<ClusterView>();
        Address = View.Self ?? throw new InvalidOperationException("The silo started without a silo address; is PostgreSQL clustering configured?");
        GatewayPort = host.Services.GetRequiredService<ILocalSiloDetails>().GatewayEndpoint!.Port;
    }

    /// <summary>The silo host's services.</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>The silo's grain factory: calls made from inside this silo.</summary>
    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    /// <summary>The silo's identity in the membership table, "host:port@generation".</summary>
    public string SiloAddress => Address.ToString();

    /// <summary>The silo-to-silo port.</summary>
    public int SiloPort => Address.Port;

    /// <summary>The client gateway port.</summary>
    public int GatewayPort { get; }

    /// <summary>The client gateway, "127.0.0.1:port".</summary>
    public string Gateway => $"127.0.0.1:{GatewayPort}";

    /// <summary>The silos this silo currently sees as active (its placement view), as sorted <see cref="SiloAddress"/> strings.</summary>
    public IReadOnlyList<string> ActiveSilos => [.. View.Members.Select(m => m.Address.ToString())];

    /// <summary>Whether the host stopped: killed, stopped, or stopped by itself after the table declared it dead.</summary>
    public bool HasStopped => _stopped || _host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested;

    internal SiloAddress Address { get; }

    internal ClusterView View { get; }

    /// <summary>The silo's address.</summary>
    /// <returns><see cref="SiloAddress"/>.</returns>
    public override string ToString() => SiloAddress;

    internal async Task KillAsync()
    {
        if (_stopped)
            return;
        _stopped = true;
        await _host.Services.GetRequiredService<SiloHostedService>().KillAsync().ConfigureAwait(false);
        await _host.StopAsync().ConfigureAwait(false);
        _host.Dispose();
    }

    internal async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_stopped)
            return;
        _stopped = true;
        await _host.StopAsync(cancellationToken).ConfigureAwait(false);
        _host.Dispose();
    }
}
