using MicroSeg.Runtime.Hosting;
using Microsoft.Extensions.Logging;

namespace MicroSeg.Runtime.Client;

internal sealed partial class ClientConnector
{
    [LoggerMessage(EventId = RuntimeEventIds.ClientConnected, Level = LogLevel.Information, Message = "Connected to gateway {Gateway} as client {Client}")]
    private partial void LogConnected(string gateway, Guid client);

    [LoggerMessage(EventId = RuntimeEventIds.ClientConnectionLost, Level = LogLevel.Warning, Message = "Lost the connection to gateway {Gateway}; reconnecting")]
    private partial void LogConnectionLost(string gateway);

    [LoggerMessage(EventId = RuntimeEventIds.ClientConnectFailed, Level = LogLevel.Debug, Message = "Could not connect to gateway {Gateway}: {Reason}; next attempt in {Delay}")]
    private partial void LogConnectFailed(string gateway, string reason, TimeSpan delay);

    [LoggerMessage(EventId = RuntimeEventIds.StatusObserverFailed, Level = LogLevel.Warning, Message = "Connection status observer {Observer} threw")]
    private partial void LogObserverFailed(Exception exception, string observer);
}
