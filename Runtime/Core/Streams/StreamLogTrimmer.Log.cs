using MicroSeg.Runtime.Hosting;
using Microsoft.Extensions.Logging;

namespace MicroSeg.Runtime.Streams;

internal sealed partial class StreamLogTrimmer
{
    [LoggerMessage(EventId = RuntimeEventIds.StreamLogTrimmed, Level = LogLevel.Debug,
        Message = "Stream provider {Provider}: deleted {Count} acknowledged events from the log ({Partitions} partitions)")]
    private partial void LogTrimmed(string provider, long count, int partitions);

    [LoggerMessage(EventId = RuntimeEventIds.StreamRetentionCapDropped, Level = LogLevel.Warning,
        Message = "Stream provider {Provider}: the retention cap of {Cap} events per stream deleted {Count} events a consumer had not acknowledged yet; it will not receive them")]
    private partial void LogRetentionCapDropped(string provider, long count, long cap);

    [LoggerMessage(EventId = RuntimeEventIds.StreamLogTrimFailed, Level = LogLevel.Warning,
        Message = "Stream provider {Provider}: trimming the log failed, retrying next interval: {Reason}")]
    private partial void LogTrimFailed(string provider, string reason);
}
