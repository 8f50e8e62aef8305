using Microsoft.Extensions.Logging;

namespace MicroSeg.Grains.Policies;

internal sealed partial class PolicyBatchGrain
{
    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Policy batch {Batch}: accepted {Count} policies")]
    private partial void LogAccepted(string batch, int count);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Information, Message = "Policy batch {Batch}: applied {Count} policies")]
    private partial void LogApplied(string batch, int count);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Warning, Message = "Policy batch {Batch}: apply failed; retrying in {Delay}")]
    private partial void LogApplyFailed(System.Exception ex, string batch, System.TimeSpan delay);
}
