using MicroSeg.Grains.Interfaces.Nodes;

namespace MicroSeg.NodeAgent.Rules;

/// <summary>
/// The newest desired state received and not yet programmed. Full snapshots replace it; deltas are
/// applied to the newest known state when it is exactly their base, and otherwise dropped with a
/// request for a snapshot (<see cref="SnapshotNeeded"/>). Only the newest state matters, and an older
/// one arriving late (same epoch) never replaces a newer one.
/// </summary>
internal sealed class RulesInbox
{
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _signal = new(0, 1);
    private NodeRules? _latest;
    private NodeRules? _pending;

    /// <summary>Raised when a delta could not be applied; the subscription then fetches a snapshot.</summary>
    public event Action? SnapshotNeeded;

    /// <summary>The agent's last acknowledgement to its node grain, repeated with every heartbeat.</summary>
    public NodeAck? LastAck { get; set; }

    public void Offer(NodeRules rules)
    {
        lock (_gate)
        {
            if (_latest is { } latest && latest.Epoch == rules.Epoch && latest.Revision > rules.Revision)
                return;
            _latest = _pending = rules;
        }
        Signal();
    }

    /// <summary>Applies <paramref name="delta"/>; false (and a snapshot request) when it does not fit the state held.</summary>
    public bool OfferDelta(NodeRulesDelta delta)
    {
        lock (_gate)
        {
            if (_latest is { } latest && latest.Epoch == delta.Epoch)
            {
                if (latest.Revision >= delta.Revision)
                    return true;
                if (latest.Revision == delta.BaseRevision)
                {
                    _latest = _pending = delta.ApplyTo(latest);
                    Signal();
                    return true;
                }
            }
        }
        SnapshotNeeded?.Invoke();
        return false;
    }

    /// <summary>Waits until a state arrives or <paramref name="timeout"/> passes; null on timeout.</summary>
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

    private void Signal()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled; the reader takes the newest pending state.
        }
    }
}
