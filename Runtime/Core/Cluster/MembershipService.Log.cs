using MicroSeg.Runtime.Hosting;
using Microsoft.Extensions.Logging;

namespace MicroSeg.Runtime.Cluster;

internal sealed partial class MembershipService
{
    [LoggerMessage(EventId = RuntimeEventIds.MembershipJoined, Level = LogLevel.Information, Message = "Silo {Silo} joined the cluster as Active")]
    private partial void LogJoined(SiloAddress silo);

    [LoggerMessage(EventId = RuntimeEventIds.MembershipChanged, Level = LogLevel.Information, Message = "Active silos: {Members}")]
    private partial void LogViewChanged(string members);

    [LoggerMessage(EventId = RuntimeEventIds.MembershipDeclaredDead, Level = LogLevel.Warning, Message = "Declared silo {Silo} dead: no heartbeat for {Timeout}")]
    private partial void LogDeclaredDead(SiloAddress silo, TimeSpan timeout);

    [LoggerMessage(EventId = RuntimeEventIds.MembershipSelfDead, Level = LogLevel.Critical, Message = "The membership table declares this silo {Silo} dead; stopping it")]
    private partial void LogSelfDead(SiloAddress silo);

    [LoggerMessage(EventId = RuntimeEventIds.MembershipJoinUnacknowledged, Level = LogLevel.Warning,
        Message = "Silo {Silo} serves although these silos did not acknowledge it as Active within {Timeout}: {Silent}; until they refresh, a grain may briefly have two activations")]
    private partial void LogJoinUnacknowledged(SiloAddress silo, TimeSpan timeout, string silent);

    [LoggerMessage(EventId = RuntimeEventIds.MembershipHandoverIncomplete, Level = LogLevel.Warning,
        Message = "Grains now owned by joining silo {Silo} did not all deactivate here within {Timeout}")]
    private partial void LogHandoverIncomplete(string silo, TimeSpan timeout);

    [LoggerMessage(EventId = RuntimeEventIds.MembershipTableError, Level = LogLevel.Warning, Message = "Membership table {Operation} failed: {Reason}")]
    private partial void LogTableError(string operation, string reason);
}
