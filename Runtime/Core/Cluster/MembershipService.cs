using MicroSeg.Runtime.Activation;
using MicroSeg.Runtime.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MicroSeg.Runtime.Cluster;

/// <summary>
/// This silo's life in the membership table (cluster mode): registers as Joining, becomes Active, writes a
/// heartbeat every <see cref="ClusterMembershipOptions.HeartbeatPeriod"/>, and every
/// <see cref="ClusterMembershipOptions.TableRefreshPeriod"/> declares Dead the members whose heartbeat is
/// older than <see cref="ClusterMembershipOptions.DeathTimeout"/> (database clock) and reloads the
/// <see cref="ClusterView"/>. When the table says this silo is Dead it raises <see cref="DeclaredDead"/> and
/// the silo stops without touching the table again. Without a membership table (single silo) it does nothing.
/// </summary>
/// <remarks>
/// Views lag the table by up to a refresh period, and two silos whose views differ place some grains on
/// different silos. So every status change this silo makes or sees is gossiped (<see cref="MembershipGossip"/>):
/// becoming Active, ShuttingDown, and declaring others Dead. A joining silo returns from <see cref="JoinAsync"/>
/// (and so serves) only after the members it knows re-read the table and released the grains it now owns, or
/// after <see cref="ClusterMembershipOptions.GossipTimeout"/>, which is logged.
/// </remarks>
internal sealed partial class MembershipService(IServiceProvider services, ClusterView view, SiloConnections silos, MembershipGossip gossip, Catalog catalog,
    LocalSiloDetails details, IOptions<EndpointOptions> endpoints, IOptions<ClusterMembershipOptions> options, TimeProvider time, ILogger<MembershipService> logger)
{
    private readonly IMembershipTable? _table = services.GetService<IMembershipTable>();
    private readonly CancellationTokenSource _stopping = new();
    // One table read at a time: a slow periodic read finishing after a gossip-triggered one must not put an
    // older view back.
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private Task _loops = Task.CompletedTask;
    private int _dead;
    private volatile bool _registered;

    /// <summary>The table declared this silo dead (raised once, on a background thread).</summary>
    public event Action? DeclaredDead;

    public async Task JoinAsync(CancellationToken cancellationToken)
    {
        if (_table is null)
            return;
        var self = view.Self!;
        var gateway = $"{GatewayServerAddress()}:{details.GatewayEndpoint!.Port}";
        await _table.RegisterAsync(new MembershipEntry(self, details.Name, SiloStatus.Joining, gateway), cancellationToken).ConfigureAwait(false);
        _registered = true;
        await RefreshAsync(cancellationToken).ConfigureAwait(false);
        if (!await _table.SetStatusAsync(self, SiloStatus.Active, cancellationToken).ConfigureAwait(false))
            throw new SiloUnavailableException($"Silo {self} was declared dead while joining; check that HeartbeatPeriod is well below DeathTimeout.");
        await RefreshAsync(cancellationToken).ConfigureAwait(false);
        LogJoined(self);
        var settings = options.Value;
        // Heartbeats go on while the peers answer, so a slow acknowledgement cannot get this silo declared dead.
        _loops = Task.WhenAll(
            LoopAsync(settings.HeartbeatPeriod, "heartbeat", HeartbeatAsync),
            LoopAsync(settings.TableRefreshPeriod, "refresh", RefreshAsync));
        var silent = await gossip.NotifyAsync(self, SiloStatus.Active, settings.GossipTimeout, cancellationToken).ConfigureAwait(false);
        if (silent.Count > 0)
            LogJoinUnacknowledged(self, settings.GossipTimeout, string.Join(", ", silent));
    }

    /// <summary>
    /// Gossip from a peer: silo <paramref name="silo"/> changed its status. Re-reads the table now; when that
    /// silo became Active, also waits until the activations it now owns have left this silo.
    /// </summary>
    public async Task OnGossipAsync(string silo, SiloStatus status)
    {
        // Before its own row exists, a table read would find this silo missing and take it for dead.
        if (_table is null || !_registered || Volatile.Read(ref _dead) != 0)
            return;
        var timeout = options.Value.GossipTimeout;
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token))
        {
            deadline.CancelAfter(timeout);
            await RefreshAsync(deadline.Token).ConfigureAwait(false);
        }

        if (status == SiloStatus.Active && !await catalog.ReleaseMigratingAsync(timeout, _stopping.Token).ConfigureAwait(false))
            LogHandoverIncomplete(silo, timeout);
    }

    /// <summary>Graceful stop, first step: tells the cluster this silo is leaving, so no new grains are placed here.</summary>
    public async Task BeginLeaveAsync(CancellationToken cancellationToken)
    {
        if (_table is null || Volatile.Read(ref _dead) != 0)
            return;
        await StopLoopsAsync().ConfigureAwait(false);
        await TryAsync("shutting down", () => _table.SetStatusAsync(view.Self!, SiloStatus.ShuttingDown, cancellationToken)).ConfigureAwait(false);
        // The others stop placing grains here before this silo closes its links. The later Dead row needs no
        // gossip: by then the links are closed, and the others dropped this silo from their views already.
        await gossip.NotifyAsync(view.Self!, SiloStatus.ShuttingDown, options.Value.GossipTimeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Graceful stop, last step: the row becomes Dead so the others drop this silo at once.</summary>
    public async Task LeaveAsync(CancellationToken cancellationToken)
    {
        if (_table is null || Volatile.Read(ref _dead) != 0)
            return;
        await TryAsync("leave", () => _table.SetStatusAsync(view.Self!, SiloStatus.Dead, cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Abrupt stop: no more table writes (the others find out by missed heartbeats).</summary>
    public Task AbortAsync()
    {
        Interlocked.Exchange(ref _dead, 1);
        return StopLoopsAsync();
    }

    private async Task StopLoopsAsync()
    {
        _stopping.Cancel();
        await _loops.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task LoopAsync(TimeSpan period, string operation, Func<CancellationToken, Task> step)
    {
        using var timer = new PeriodicTimer(period, time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
            {
                try
                {
                    await step(_stopping.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (!_stopping.IsCancellationRequested)
                {
                    LogTableError(operation, ex.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task HeartbeatAsync(CancellationToken cancellationToken)
    {
        if (!await _table!.HeartbeatAsync(view.Self!, cancellationToken).ConfigureAwait(false))
            OnSelfDead();
    }

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var timeout = options.Value.DeathTimeout;
        IReadOnlyList<SiloAddress> declared;
        await _refreshing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            declared = await _table!.DeclareDeadAsync(timeout, cancellationToken).ConfigureAwait(false);
            foreach (var dead in declared)
                LogDeclaredDead(dead, timeout);
            var live = await _table.ReadLiveAsync(cancellationToken).ConfigureAwait(false);
            if (!live.Any(m => m.Address == view.Self))
            {
                OnSelfDead();
                return;
            }

            silos.Prune([.. live.Select(m => m.Address)]);
            if (view.Update(live))
                LogViewChanged(string.Join(", ", view.Members.Select(m => m.Address)));
        }
        finally
        {
            _refreshing.Release();
        }

        // Nobody waits for these: the dead silo's grains are not handed over, and a peer that misses the
        // gossip finds out at its next refresh.
        foreach (var dead in declared)
            _ = gossip.NotifyAsync(dead, SiloStatus.Dead, options.Value.GossipTimeout, _stopping.Token);
    }

    private void OnSelfDead()
    {
        if (Interlocked.Exchange(ref _dead, 1) != 0)
            return;
        LogSelfDead(view.Self!);
        _stopping.Cancel();
        ThreadPool.UnsafeQueueUserWorkItem(_ => DeclaredDead?.Invoke(), null);
    }

    private async Task TryAsync(string operation, Func<Task> action)
    {
        try
        {
            await action().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogTableError(operation, ex.Message);
        }
    }

    private string GatewayServerAddress() => Gateway.GatewayServer.AdvertisedHost(endpoints.Value);
}
