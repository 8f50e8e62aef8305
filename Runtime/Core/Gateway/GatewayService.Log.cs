using MicroSeg.Runtime.Hosting;
using Microsoft.Extensions.Logging;

namespace MicroSeg.Runtime.Gateway;

internal sealed partial class GatewayService
{
    [LoggerMessage(EventId = RuntimeEventIds.GatewayClientConnected, Level = LogLevel.Information, Message = "Client {Client} connected to the gateway")]
    private partial void LogClientConnected(Guid client);

    [LoggerMessage(EventId = RuntimeEventIds.GatewayClientDisconnected, Level = LogLevel.Information, Message = "Client {Client} disconnected from the gateway")]
    private partial void LogClientDisconnected(Guid client);

    [LoggerMessage(EventId = RuntimeEventIds.GatewayBadRequest, Level = LogLevel.Debug, Message = "Request from {Peer} for {Method} was refused: {Reason}")]
    private partial void LogBadRequest(string peer, string method, string reason);
}
