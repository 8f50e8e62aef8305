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
    private bool _reapply;

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

    /// <summary>
    /// Asks for the newest state to be programmed again although it did not change: the node's
    /// interfaces did (one appeared, was deleted or re-created), so the attachments must follow.
    /// </summary>
    public void Reapply()
    {
        lock (_gate)
        {
            if (_latest is null)
                return; // nothing programmed yet; the first state will be
            _reapply = true;
        }
        Signal();
    }

    /// <summary>
    /// Waits until a state arrives, a <see cref="Reapply"/> is asked for (the newest state again) or
    /// <paramref name="timeout"/> passes; null on timeout.
    /// </summary>
    public async Task<NodeRules?> TakeAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        await _signal.WaitAsync(timeout, cancellationToken);
        lock (_gate)
        {
            var rules = _pending ?? (_reapply ? _latest : null);
            _pending = null;
            _reapply = false;
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
