using Orleans;
using Orleans.Runtime;
using Orleans.Streams;

namespace MicroSeg.Grains.Nodes;

/// <summary>
/// Hands out a node's revision numbers without a storage write per change. Numbers are reserved in
/// blocks of a randomly spread size: a write happens only when a block is used up, when the node's rule ids changed (they must
/// survive a crash), or on the first change after a clean start. A crash therefore resumes above the
/// reserved block (revisions only grow, and no number is reused for other content); a clean
/// deactivation records the exact revision and content hash, so a restart with unchanged content
/// keeps its revision and agents have nothing to re-apply.
/// </summary>
internal sealed class NodeRevisions(IPersistentState<NodeState> state, Func<long>? spread = null)
{
    /// <summary>Revisions reserved per write, at least.</summary>
    internal const long Block = 1024;

    /// <summary>
    /// Extra revisions reserved per write, random by default: nodes that change together (a fan-out
    /// touches them all) would otherwise use up their blocks on the same change and all write at once.
    /// </summary>
    private readonly Func<long> _spread = spread ?? (() => Random.Shared.NextInt64(Block));

    private string? _hash;

    /// <summary>The revision of the content last passed to <see cref="AdvanceAsync"/>.</summary>
    public long Current { get; private set; }

    /// <summary>Resumes at activation: exactly where a clean deactivation left off, else above the reserved block.</summary>
    public void Resume()
    {
        // States written before reservations existed have no Reserved: their Revision is the floor.
        state.State.Reserved = Math.Max(state.State.Reserved, state.State.Revision);
        if (state.State.Clean)
        {
            Current = state.State.Revision;
            _hash = state.State.ContentHash;
        }
        else
        {
            Current = state.State.Reserved;
            _hash = null;
        }
    }

    /// <summary>Gives <paramref name="hash"/> a new revision if the content changed; persists first when it must. True when the revision moved.</summary>
    public async Task<bool> AdvanceAsync(string hash)
    {
        var ids = state.State.Ids;
        var changed = hash != _hash;
        if (changed)
        {
            Current++;
            _hash = hash;
        }
        if (changed && (state.State.Clean || Current > state.State.Reserved) || ids.Changed)
        {
            state.State.Clean = false;
            state.State.Reserved = Math.Max(state.State.Reserved, Current + Block - 1 + _spread());
            state.State.Revision = Current;
            state.State.ContentHash = hash;
            await state.WriteStateAsync();
            ids.Changed = false;
        }
        return changed;
    }

    /// <summary>Records the exact revision and content at a clean deactivation.</summary>
    public async Task CloseAsync()
    {
        if (_hash is null)
            return;
        state.State.Revision = Current;
        state.State.ContentHash = _hash;
        state.State.Clean = true;
        await state.WriteStateAsync();
    }
}
