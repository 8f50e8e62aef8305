using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.NodeAgent.Hosting;
using MicroSeg.NodeAgent.Programming;
using Orleans;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MicroSeg.NodeAgent.Rules;

/// <summary>
/// Keeps this agent subscribed to its node grain: subscribes at start, again on every reconnect, and
/// periodically as a heartbeat. Each subscription returns the full current snapshot, so anything lost
/// while disconnected (or a silo restart) is repaired within one period.
/// </summary>
internal sealed partial class NodeSubscription(
    IClusterClient client,
    GatewayConnectionEvents connection,
    RulesObserver observer,
    RulesInbox inbox,
    MonitorCounters monitor,
    AgentOptions options,
    ILogger<NodeSubscription> logger) : BackgroundService
{
    private readonly SemaphoreSlim _wake = new(0, 1);
    private bool _subscribed;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // A delta that does not fit the state held means something was missed: fetch a snapshot now.
        inbox.SnapshotNeeded += Wake;
        connection.Changed += OnConnectionChanged;
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reference = client.CreateObjectReference<INodeRulesObserver>(observer);
        var node = client.GetGrain<INodeGrain>(options.Node);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Repeating the last acknowledgement keeps the heartbeat small: the grain answers with a snapshot
                // only when the agent is not on the current revision (and a restarted grain learns what is applied).
                // The heartbeat also carries monitor mode's counters, read now, to the node's status.
                var applied = monitor.Stamp(inbox.LastAck);
                var rules = await node.SubscribeAsync(reference, applied).WaitAsync(TimeSpan.FromSeconds(30), stoppingToken);
                if (rules is not null)
                    inbox.Offer(rules);
                if (!_subscribed)
                    LogSubscribed(options.Node, rules?.Revision ?? applied!.Revision);
                _subscribed = true;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                if (_subscribed)
                    LogSubscriptionLost(options.Node, string.Join(", ", options.Gateways), ex.Message);
                _subscribed = false;
            }

            try
            {
                await _wake.WaitAsync(_subscribed ? NextHeartbeat(options.ResubscribePeriod) : TimeSpan.FromSeconds(1), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>
    /// The wait before the next heartbeat: <paramref name="period"/> give or take a quarter. Agents that subscribed
    /// together (every agent after a silo restart or a gateway failover) would otherwise beat together for ever,
    /// and their silo would take a hundred heartbeats at once every period instead of a steady trickle.
    /// </summary>
    internal static TimeSpan NextHeartbeat(TimeSpan period, double? sample = null) =>
        period * (0.75 + 0.5 * (sample ?? Random.Shared.NextDouble()));

    private void OnConnectionChanged(bool recovered)
    {
        // On loss the node grain's observer reference may have died with the connection; on recovery a
        // gateway answers again. Either way: subscribe again as soon as possible.
        if (!recovered)
            _subscribed = false;
        Wake();
    }

    private void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // A wake-up is already pending.
        }
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Subscribed to node {Node} (revision {Revision})")]
    private partial void LogSubscribed(string node, long revision);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Lost the subscription to node {Node} (gateways {Gateways}): {Reason}; enforcement continues with the last rules while reconnecting")]
    private partial void LogSubscriptionLost(string node, string gateways, string reason);
}
