using MicroSeg.Runtime.Activation;
using MicroSeg.Runtime.Cluster;
using MicroSeg.Runtime.Gateway;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MicroSeg.Runtime.Hosting;

/// <summary>
/// Starts the listeners, joins the cluster (cluster mode), then marks the silo ready (<see cref="SiloReadiness"/>:
/// held grain calls and client handshakes proceed, and the host's start completes) and starts the activation
/// collector. A graceful
/// stop marks the silo ShuttingDown, closes connections, deactivates every grain and marks it Dead; an
/// abrupt stop (<see cref="KillAsync"/>, or the table declaring this silo dead) drops everything without
/// deactivation or table writes, as a crashed process would.
/// </summary>
internal sealed class SiloHostedService(GatewayServer gateway, Catalog catalog, MembershipService membership, SiloReadiness readiness, IHostApplicationLifetime lifetime,
    IOptions<GrainCollectionOptions> collection, TimeProvider time) : IHostedService
{
    private static readonly TimeSpan s_expiryPeriod = TimeSpan.FromSeconds(1);
    private ITimer? _collector;
    private ITimer? _expiry;
    private Task? _killed;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var options = collection.Value;
        await gateway.StartAsync(cancellationToken).ConfigureAwait(false);
        membership.DeclaredDead += () => _ = KillAndStopAsync();
        await membership.JoinAsync(cancellationToken).ConfigureAwait(false);
        readiness.MarkReady();
        _collector = time.CreateTimer(_ => catalog.CollectIdle(options.CollectionAge), null, options.CollectionQuantum, options.CollectionQuantum);
        _expiry = time.CreateTimer(_ => catalog.ExpireCalls(), null, s_expiryPeriod, s_expiryPeriod);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_killed is { } killed)
        {
            await killed.ConfigureAwait(false);
            return;
        }

        _collector?.Dispose();
        _expiry?.Dispose();
        await membership.BeginLeaveAsync(cancellationToken).ConfigureAwait(false);
        await gateway.StopAsync(cancellationToken).ConfigureAwait(false);
        await catalog.DeactivateAllAsync(collection.Value.DeactivationTimeout).ConfigureAwait(false);
        await membership.LeaveAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops the silo abruptly: heartbeats stop, listeners and connections close, activations are dropped.</summary>
    public Task KillAsync()
    {
        lock (this)
            return _killed ??= KillCoreAsync();
    }

    private async Task KillCoreAsync()
    {
        _collector?.Dispose();
        _expiry?.Dispose();
        await membership.AbortAsync().ConfigureAwait(false);
        catalog.Abort();
        await gateway.StopAsync(CancellationToken.None).ConfigureAwait(false);
    }

    private async Task KillAndStopAsync()
    {
        await KillAsync().ConfigureAwait(false);
        lifetime.StopApplication();
    }
}
