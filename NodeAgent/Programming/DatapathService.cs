using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.NodeAgent.Hosting;
using MicroSeg.NodeAgent.Rules;
using Orleans;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MicroSeg.NodeAgent.Programming;

/// <summary>
/// The agent's programming loop: takes the newest snapshot, programs it, acknowledges the revision to
/// the node grain. While an endpoint's interface is missing it retries; on shutdown it detaches.
/// </summary>
internal sealed partial class DatapathService(
    RulesInbox inbox,
    DatapathProgrammer programmer,
    ControlPlaneGuard guard,
    IClusterClient client,
    AgentOptions options,
    TimeProvider time,
    IEnumerable<IRevisionAppliedListener> listeners,
    ILogger<DatapathService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        NodeRules? current = null;
        var retry = Timeout.InfiniteTimeSpan;
        while (!stoppingToken.IsCancellationRequested)
        {
            NodeRules? next;
            try
            {
                next = await inbox.TakeAsync(retry, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            if (next is not null && current is not null && next.Epoch == current.Epoch && next.Revision < current.Revision)
                continue;
            current = next ?? current;
            if (current is null)
                continue;

            NodeAck ack;
            if (guard.Check(current) is { } hold)
            {
                // The kernel keeps what it has; the check is repeated until the operator decides (an
                // acceptance arrives with a snapshot, a local one is read from the pinned record).
                retry = options.MissingInterfaceRetry;
                ack = new NodeAck(current.Epoch, current.Revision, [], [], null, hold);
            }
            else try
            {
                var started = time.GetTimestamp();
                var applied = programmer.Apply(current);
                guard.Applied(current);
                var programmed = time.GetTimestamp();
                LogApplied(current.Revision, time.GetElapsedTime(started, programmed).TotalMilliseconds);
                foreach (var listener in listeners)
                    listener.OnApplied(current, programmed);
                retry = applied.MissingInterfaces.Count > 0 ? options.MissingInterfaceRetry : Timeout.InfiniteTimeSpan;
                ack = new NodeAck(current.Epoch, current.Revision, applied.PresentInterfaces, applied.MissingInterfaces, null);
            }
            catch (Exception ex) when (ex is MicroSeg.Bpf.BpfException or IOException)
            {
                LogApplyFailed(current.Revision, ex.Message);
                retry = options.MissingInterfaceRetry;
                ack = new NodeAck(current.Epoch, current.Revision, [], [], ex.Message);
            }

            inbox.LastAck = ack;
            try
            {
                // Resolved per ack, not at start: this loop runs before the client has connected and learnt
                // the cluster's grain types.
                await client.GetGrain<INodeGrain>(options.Node).AcknowledgeAsync(ack).WaitAsync(TimeSpan.FromSeconds(10), stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // The next subscription heartbeat brings the same snapshot again and the ack is repeated.
                LogAckFailed(current.Revision, ex.Message);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        programmer.DetachAll();
    }

    [LoggerMessage(EventId = 3203, Level = LogLevel.Debug, Message = "Revision {Revision} programmed in {Milliseconds:F1} ms")]
    private partial void LogApplied(long revision, double milliseconds);

    [LoggerMessage(EventId = 3201, Level = LogLevel.Error, Message = "Could not program revision {Revision}: {Error}")]
    private partial void LogApplyFailed(long revision, string error);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Warning, Message = "Could not acknowledge revision {Revision}: {Error}")]
    private partial void LogAckFailed(long revision, string error);
}
