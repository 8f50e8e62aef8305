using MicroSeg.Grains.Interfaces.Access;
using Orleans;
using Orleans.Runtime;

namespace MicroSeg.NodeAgent.Security;

/// <summary>Puts this node's signed credential on every grain call the agent makes; re-signed well before it expires.</summary>
internal sealed class CredentialCallFilter(AgentTls tls, TimeProvider time) : IOutgoingGrainCallFilter
{
    private static readonly TimeSpan RenewAfter = CallerCredential.Lifetime / 5;
    // A reference, swapped whole: calls on several threads read it without a lock and never see half of one.
    private Signed? _current;

    public Task Invoke(IOutgoingGrainCallContext context)
    {
        var now = time.GetUtcNow();
        var current = _current;
        if (current is null || now - current.At > RenewAfter || now < current.At)
            _current = current = new Signed(CallerCredential.Create(tls.Certificate, now), now);
        RequestContext.Set(CallerCredential.RequestContextKey, current.Value);
        return context.Invoke();
    }

    private sealed record Signed(string Value, DateTimeOffset At);
}
