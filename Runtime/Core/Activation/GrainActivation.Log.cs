using MicroSeg.Runtime.Hosting;
using Microsoft.Extensions.Logging;

namespace MicroSeg.Runtime.Activation;

internal sealed partial class GrainActivation
{
    [LoggerMessage(EventId = RuntimeEventIds.ActivationFailed, Level = LogLevel.Error, Message = "Activation of grain {Grain} failed")]
    private partial void LogActivationFailed(Exception exception, string grain);

    [LoggerMessage(EventId = RuntimeEventIds.DeactivationFailed, Level = LogLevel.Warning, Message = "Deactivation of grain {Grain} ({Reason}) threw")]
    private partial void LogDeactivationFailed(Exception exception, string grain, DeactivationReasonCode reason);

    [LoggerMessage(EventId = RuntimeEventIds.TimerCallbackFailed, Level = LogLevel.Warning, Message = "Timer callback of grain {Grain} threw")]
    private partial void LogTimerFailed(Exception exception, string grain);
}
