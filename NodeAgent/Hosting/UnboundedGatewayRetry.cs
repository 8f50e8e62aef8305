using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;

namespace MicroSeg.NodeAgent.Hosting;

/// <summary>
/// Keeps the agent's first connection attempt going for as long as the agent runs. Orleans' default filter
/// gives up after 15 tries, which would stop the agent; but an agent started before its silos (or during an
/// outage) must keep enforcing the rules pinned in the kernel and connect whenever a gateway answers.
/// </summary>
internal sealed partial class UnboundedGatewayRetry(AgentOptions options, ILogger<UnboundedGatewayRetry> logger) : IClientConnectionRetryFilter
{
    private static readonly TimeSpan s_maxDelay = TimeSpan.FromSeconds(5);
    private int _attempts;

    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested || exception is not (ConnectionFailedException or OrleansMessageRejectionException or SiloUnavailableException or TimeoutException))
            return false;
        _attempts++;
        var delay = TimeSpan.FromMilliseconds(Math.Min(s_maxDelay.TotalMilliseconds, 250 * _attempts));
        // Orleans' message counts gateways without naming them; the operator needs the address to check.
        LogRetrying(string.Join(", ", options.Gateways), _attempts, delay.TotalSeconds, exception.Message);
        try
        {
            await Task.Delay(delay, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        return true;
    }

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "No gateway reachable at {Gateways} (attempt {Attempt}), retrying in {DelaySeconds:0.##} s; the data plane keeps enforcing the last rules: {Reason}")]
    private partial void LogRetrying(string gateways, int attempt, double delaySeconds, string reason);
}
