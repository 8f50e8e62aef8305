using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MicroSeg.Runtime.Streams;

/// <summary>
/// Keeps one provider's log from growing forever: every <see cref="Hosting.StreamOptions.TrimInterval"/> it deletes,
/// in the partitions this silo owns (so each partition is trimmed by one silo), the events every consumer of their
/// stream acknowledged, and those beyond <see cref="Hosting.StreamOptions.MaxRetainedEvents"/> when a cap is set.
/// Redelivery is unaffected: it starts after a checkpoint, and nothing above the lowest checkpoint goes unless the cap
/// says so. A failed trim is logged and tried again next interval.
/// </summary>
internal sealed partial class StreamLogTrimmer(StreamProviderRuntime runtime, TimeProvider time, ILogger<StreamLogTrimmer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(runtime.Options.TrimInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await TrimAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    LogTrimFailed(runtime.Name, ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One trim of the owned partitions.</summary>
    public async Task<StreamTrimResult> TrimAsync(CancellationToken cancellationToken)
    {
        var owned = runtime.OwnedPartitions();
        if (owned.Length == 0)
            return default;
        var result = await runtime.Log.TrimAsync(owned, runtime.ImplicitSubscriptions(), runtime.Options.MaxRetainedEvents, cancellationToken).ConfigureAwait(false);
        if (result.Unacknowledged > 0)
            LogRetentionCapDropped(runtime.Name, result.Unacknowledged, runtime.Options.MaxRetainedEvents ?? 0);
        if (result.Deleted > 0)
            LogTrimmed(runtime.Name, result.Deleted, owned.Length);
        return result;
    }
}
