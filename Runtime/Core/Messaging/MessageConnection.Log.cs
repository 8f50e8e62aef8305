using MicroSeg.Runtime.Hosting;
using Microsoft.Extensions.Logging;

namespace MicroSeg.Runtime.Messaging;

internal sealed partial class MessageConnection
{
    [LoggerMessage(EventId = RuntimeEventIds.ConnectionError, Level = LogLevel.Debug, Message = "Connection to {Peer} ended: {Reason}")]
    private partial void LogLoopEnded(string peer, string reason);
}
