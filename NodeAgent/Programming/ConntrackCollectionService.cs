using MicroSeg.Bpf;
using MicroSeg.NodeAgent.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MicroSeg.NodeAgent.Programming;

/// <summary>
/// Deletes expired conntrack entries when the table needs room (the data path already ignores them;
/// this frees space before the LRU has to evict live flows) and counts the flows that ended. Every
/// period it asks the collector whether a pass is needed (a constant-cost counter read): only a
/// table that may be <see cref="CollectAtFill"/> full, or a pending re-check after addresses were
/// taken away, costs a pass over the table; a quiet or lightly used node pays nothing per entry.
/// </summary>
internal sealed partial class ConntrackCollectionService(
    ConntrackCollector collector,
    AgentOptions options,
    TimeProvider time,
    ILogger<ConntrackCollectionService> logger) : BackgroundService
{
    /// <summary>
    /// A pass runs once either family's map may hold this share of its own size
    /// (<see cref="AgentOptions.ConntrackEntries"/> for IPv4, <see cref="AgentOptions.ConntrackIPv6Capacity"/> for IPv6).
    /// </summary>
    internal const double CollectAtFill = 0.5;

    private long _endedTotal;

    /// <summary>Flows ended since the agent started.</summary>
    public long EndedTotal => Interlocked.Read(ref _endedTotal);

    /// <summary>Entries the last pass found (live ones plus those it ended); -1 before the first pass.</summary>
    public int LastScanned { get; private set; } = -1;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.ConntrackCollectPeriod, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    if (!collector.PassNeeded(options.ConntrackEntries, options.ConntrackIPv6Capacity, CollectAtFill))
                        continue;
                    var result = collector.Collect();
                    Interlocked.Add(ref _endedTotal, result.Ended.Count);
                    LastScanned = result.Scanned;
                    if (result.Ended.Count > 0 || result.Revoked > 0)
                        LogCollected(result.Scanned, result.Ended.Count, result.Revoked);
                }
                catch (BpfException ex)
                {
                    LogCollectFailed(ex.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    [LoggerMessage(EventId = 3301, Level = LogLevel.Debug, Message = "Conntrack collection: scanned {Scanned}, {Ended} flows ended, {Revoked} flows dropped whose address the workload no longer owns")]
    private partial void LogCollected(int scanned, int ended, int revoked);

    [LoggerMessage(EventId = 3302, Level = LogLevel.Warning, Message = "Conntrack collection failed: {Error}")]
    private partial void LogCollectFailed(string error);
}
