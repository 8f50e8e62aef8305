using MicroSeg.Runtime.Hosting;
using Microsoft.Extensions.Logging;

namespace MicroSeg.Runtime.Cluster;

internal sealed partial class MembershipGossip
{
    [LoggerMessage(EventId = RuntimeEventIds.MembershipGossipFailed, Level = LogLevel.Information,
        Message = "Silo {Peer} did not acknowledge that silo {Subject} is {Status}: {Reason}")]
    private partial void LogNotifyFailed(SiloAddress peer, SiloAddress subject, SiloStatus status, string reason);
}
