using Microsoft.Extensions.Logging;

namespace MicroSeg.Grains.Provisions;

internal sealed partial class ProvisionLogGrain
{
    [LoggerMessage(EventId = 2301, Level = LogLevel.Information, Message = "Provision version {Version} ({Source}, by {By}): recorded {Count} policy changes")]
    private partial void LogRecorded(long version, string source, string by, int count);

    [LoggerMessage(EventId = 2302, Level = LogLevel.Information, Message = "Provision version {Version}: applied")]
    private partial void LogApplied(long version);

    [LoggerMessage(EventId = 2303, Level = LogLevel.Warning, Message = "Provision version {Version} was found unapplied on activation (its silo stopped mid-way): applying it again")]
    private partial void LogResuming(long version);
}
