using MicroSeg.Runtime.Hosting;
using Microsoft.Extensions.Logging;

namespace MicroSeg.Runtime.Cluster;

internal sealed partial class SiloConnections
{
    [LoggerMessage(EventId = RuntimeEventIds.SiloConnected, Level = LogLevel.Debug, Message = "Connected to silo {Silo}")]
    private partial void LogConnected(SiloAddress silo);

    [LoggerMessage(EventId = RuntimeEventIds.SiloConnectFailed, Level = LogLevel.Information, Message = "Could not reach silo {Silo}: {Reason}")]
    private partial void LogConnectFailed(SiloAddress silo, string reason);

    [LoggerMessage(EventId = RuntimeEventIds.SiloRequestRefused, Level = LogLevel.Debug, Message = "Request from {Peer} for {Method} was refused: {Reason}")]
    private partial void LogRequestRefused(string peer, string method, string reason);
}
