using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.NodeAgent.Hosting;
using MicroSeg.NodeAgent.Rules;
using Orleans;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MicroSeg.NodeAgent.Programming;

/// <summary>
/// The agent's programming loop: takes the newest snapshot, programs it, acknowledges the revision to
/// the node grain. It programs the same snapshot again when interfaces change (the link watcher asks
/// through the inbox), while an endpoint's interface is missing, and when the kernel's hooks no longer
/// hold our programs (checked every <see cref="AgentOptions.AttachCheckPeriod"/>). On shutdown it
/// leaves everything in place: the programs keep enforcing the last rules until an agent replaces them
/// or an operator runs <c>microseg-agent uninstall</c>.
/// </summary>
internal sealed partial class DatapathService(
    RulesInbox inbox,
    DatapathProgrammer programmer,
    InterfaceAttachments attachments,
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
        NodeRules? applied = null; // the last state this process put in the kernel
        var retry = options.AttachCheckPeriod;
        var retryDue = false; // the last pass left something to retry (missing interface, failure)
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
            // Woken by the timer alone: program again only if something is missing or the kernel lost our programs.
            if (next is null && !retryDue && attachments.Intact())
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
                var kept = KeepEnforcing(applied);
                ack = new NodeAck(current.Epoch, current.Revision, kept?.Attachments.Attached ?? [], kept?.Desired.MissingInterfaces ?? [], null,
                    kept?.Refused, Hold: hold);
            }
            else try
            {
                var started = time.GetTimestamp();
                var outcome = programmer.Apply(current);
                guard.Applied(current);
                applied = current;
                var programmed = time.GetTimestamp();
                LogApplied(current.Revision, time.GetElapsedTime(started, programmed).TotalMilliseconds);
                foreach (var listener in listeners)
                    listener.OnApplied(current, programmed);
                retryDue = outcome.Desired.MissingInterfaces.Count > 0 || outcome.Attachments.Unconfirmed.Count > 0;
                retry = retryDue ? options.MissingInterfaceRetry : options.AttachCheckPeriod;
                ack = new NodeAck(current.Epoch, current.Revision, outcome.Attachments.Attached, outcome.Desired.MissingInterfaces, null, outcome.Refused);
            }
            catch (Exception ex) when (ex is MicroSeg.Bpf.BpfException or IOException or System.Net.Sockets.SocketException)
            {
                LogApplyFailed(current.Revision, ex.Message);
                retryDue = true;
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

    /// <summary>
    /// While holding, programs the state already enforced again, so that an interface re-created meanwhile
    /// (a container restart) gets its programs back: a hold must never leave a workload less protected.
    /// </summary>
    private DatapathProgrammer.Outcome? KeepEnforcing(NodeRules? applied)
    {
        if (applied is null)
            return null;
        try
        {
            return programmer.Apply(applied);
        }
        catch (Exception ex) when (ex is MicroSeg.Bpf.BpfException or IOException or System.Net.Sockets.SocketException)
        {
            LogApplyFailed(applied.Revision, ex.Message);
            return null;
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // Deliberately nothing to undo: a stopping agent (Ctrl-C, SIGTERM, an upgrade) must not leave the
        // node unprotected. The next agent adopts the pinned maps and replaces the programs in place.
        LogLeftInPlace(options.PinDirectory);
    }

    [LoggerMessage(EventId = 3204, Level = LogLevel.Information, Message = "Agent stopping: programs, pinned maps ({PinDirectory}) and connection state stay in place and keep enforcing the last rules; 'microseg-agent uninstall' removes them")]
    private partial void LogLeftInPlace(string pinDirectory);

    [LoggerMessage(EventId = 3203, Level = LogLevel.Debug, Message = "Revision {Revision} programmed in {Milliseconds:F1} ms")]
    private partial void LogApplied(long revision, double milliseconds);

    [LoggerMessage(EventId = 3201, Level = LogLevel.Error, Message = "Could not program revision {Revision}: {Error}")]
    private partial void LogApplyFailed(long revision, string error);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Warning, Message = "Could not acknowledge revision {Revision}: {Error}")]
    private partial void LogAckFailed(long revision, string error);
}
