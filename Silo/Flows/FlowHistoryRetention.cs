using MicroSeg.Grains.Flows;
using Microsoft.Extensions.Options;

namespace MicroSeg.Silo.Flows;

/// <summary>Deletes flow history beyond <see cref="FlowHistoryOptions.MaxAge"/> and <see cref="FlowHistoryOptions.MaxRecords"/>, every <see cref="FlowHistoryOptions.TrimPeriod"/>.</summary>
internal sealed partial class FlowHistoryRetention(
    IFlowHistory history,
    IOptions<FlowHistoryOptions> options,
    TimeProvider time,
    ILogger<FlowHistoryRetention> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        using var timer = new PeriodicTimer(o.TrimPeriod, time);
        try
        {
            do
            {
                try
                {
                    var deleted = await history.TrimAsync(time.GetUtcNow() - o.MaxAge, o.MaxRecords, stoppingToken);
                    if (deleted > 0)
                        LogTrimmed(deleted);
                }
                catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException)
                {
                    LogTrimFailed(ex.Message);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "Flow history retention deleted {Count} records")]
    private partial void LogTrimmed(long count);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Warning, Message = "Flow history retention failed (retried next period): {Error}")]
    private partial void LogTrimFailed(string error);
}
