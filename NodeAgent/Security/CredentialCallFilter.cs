using MicroSeg.Grains.Interfaces.Access;
using Orleans;
using Orleans.Runtime;

namespace MicroSeg.NodeAgent.Security;

/// <summary>Puts this node's signed credential on every grain call the agent makes; re-signed well before it expires.</summary>
internal sealed class CredentialCallFilter(AgentTls tls, TimeProvider time) : IOutgoingGrainCallFilter
{
    private static readonly TimeSpan RenewAfter = CallerCredential.Lifetime / 5;
    private (string Value, DateTimeOffset Signed)? _current;

    public Task Invoke(IOutgoingGrainCallContext context)
    {
        var now = time.GetUtcNow();
        var current = _current;
        if (current is null || now - current.Value.Signed > RenewAfter || now < current.Value.Signed)
        {
            current = (CallerCredential.Create(tls.Certificate, now), now);
            _current = current;
        }
        RequestContext.Set(CallerCredential.RequestContextKey, current.Value.Value);
        return context.Invoke();
    }
}
