using MicroSeg.Runtime.Hosting;
using Microsoft.Extensions.Logging;

namespace MicroSeg.Runtime.Activation;

internal sealed partial class Catalog
{
    [LoggerMessage(EventId = RuntimeEventIds.ShutdownDeactivationIncomplete, Level = LogLevel.Warning, Message = "{Count} activations did not deactivate within {Timeout}")]
    private partial void LogShutdownIncomplete(int count, TimeSpan timeout);
}
