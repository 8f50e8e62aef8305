using MicroSeg.Grains.Interfaces.Nodes;

namespace MicroSeg.NodeAgent.Rules;

/// <summary>
/// Holds the newest snapshot received and not yet programmed. Snapshots are full states, so only
/// the newest matters; an older one arriving late (same epoch) never replaces a newer one.
/// </summary>
internal sealed class RulesInbox
{
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _signal = new(0, 1);
    private NodeRules? _pending;

    public void Offer(NodeRules rules)
    {
        lock (_gate)
        {
            if (_pending is { } pending && pending.Epoch == rules.Epoch && pending.Revision > rules.Revision)
                return;
            _pending = rules;
        }
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled; the reader takes the newest pending snapshot.
        }
    }

    /// <summary>Waits until a snapshot arrives or <paramref name="timeout"/> passes; null on timeout.</summary>
    public async Task<NodeRules?> TakeAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        await _signal.WaitAsync(timeout, cancellationToken);
        lock (_gate)
        {
            var rules = _pending;
            _pending = null;
            return rules;
        }
    }
}
