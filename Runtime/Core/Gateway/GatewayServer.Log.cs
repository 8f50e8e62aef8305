using System.Net;
using MicroSeg.Runtime.Hosting;
using Microsoft.Extensions.Logging;

namespace MicroSeg.Runtime.Gateway;

internal sealed partial class GatewayServer
{
    [LoggerMessage(EventId = RuntimeEventIds.GatewayListening, Level = LogLevel.Information, Message = "Gateway listening on {Endpoint}")]
    private partial void LogListening(IPEndPoint endpoint);

    [LoggerMessage(EventId = RuntimeEventIds.SiloListening, Level = LogLevel.Information, Message = "Silo port listening as cluster member {Silo}")]
    private partial void LogSiloListening(Cluster.SiloAddress silo);
}
