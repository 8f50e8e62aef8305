using MicroSeg.Grains.Common;
using MicroSeg.Grains.Interfaces.Identity;
using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace MicroSeg.Grains.Identity;

/// <summary>Persisted state of one identity holder shard: holder id to the label sets it holds.</summary>
[GenerateSerializer, Alias("microseg.state.IdentityHolderShardState")]
internal sealed class IdentityHolderShardState
{
    /// <summary>The first shape of the table, read from shards written before <see cref="Holders"/>; empty once upgraded.</summary>
    [Id(0)]
    public SortedDictionary<string, SortedSet<string>> Holds { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Holder id to the label sets it holds (almost always one). Arrays, not sorted sets: the shard is written on
    /// every hold and release, and at 50,000 workloads it has ≈ 50 holders whose sets the serializer had to copy.
    /// </summary>
    [Id(1)]
    public Dictionary<string, string[]> Holders { get; set; } = [];

    /// <summary>Moves holds of the first shape into <see cref="Holders"/>; true when there were any (the state should be written).</summary>
    public bool Upgrade()
    {
        if (Holds.Count == 0)
            return false;
        foreach (var (holder, keys) in Holds)
            Holders[holder] = [.. keys.Union(Holders.GetValueOrDefault(holder) ?? [], StringComparer.Ordinal)];
        Holds.Clear();
        return true;
    }
}

/// <summary>A persisted part of the identity holder table.</summary>
/// <remarks>
/// Reentrant so that concurrent holds on one shard share one write of it (<see cref="CoalescedStateWriter{T}"/>):
/// each call changes the shard without awaiting, then waits for a write that started after its change.
/// </remarks>
[Reentrant]
internal sealed class IdentityHolderShardGrain(
    [PersistentState("identity-holders")] IPersistentState<IdentityHolderShardState> state) : Grain, IIdentityHolderShardGrain
{
    private readonly CoalescedStateWriter<IdentityHolderShardState> _writer = new(state);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Upgrade())
            await _writer.WriteAsync();
    }

    public async Task AddAsync(string labelKey, string holder)
    {
        if (Add(labelKey, holder))
            await _writer.WriteAsync();
    }

    public async Task AddManyAsync(IReadOnlyList<IdentityHold> holds)
    {
        var added = false;
        foreach (var hold in holds)
            added |= Add(hold.LabelKey, hold.Holder);
        if (added)
            await _writer.WriteAsync();
    }

    /// <summary>Adds a hold to the table without writing it; false when it was already there.</summary>
    private bool Add(string labelKey, string holder)
    {
        var keys = state.State.Holders.GetValueOrDefault(holder) ?? [];
        if (keys.Contains(labelKey, StringComparer.Ordinal))
            return false;
        state.State.Holders[holder] = [.. keys, labelKey];
        return true;
    }

    public async Task ClearAsync()
    {
        if (state.State.Holders.Count == 0 && state.State.Holds.Count == 0)
            return;
        state.State.Holders.Clear();
        state.State.Holds.Clear();
        await _writer.WriteAsync();
    }

    public async Task RemoveAsync(string labelKey, string holder)
    {
        if (!state.State.Holders.TryGetValue(holder, out var keys) || !keys.Contains(labelKey, StringComparer.Ordinal))
            return;
        if (keys.Length == 1)
            state.State.Holders.Remove(holder);
        else
            state.State.Holders[holder] = [.. keys.Where(k => !string.Equals(k, labelKey, StringComparison.Ordinal))];
        await _writer.WriteAsync();
    }

    public Task<IReadOnlyList<IdentityHold>> GetAllAsync() =>
        Task.FromResult<IReadOnlyList<IdentityHold>>(state.State.Holders.SelectMany(h => h.Value.Select(k => new IdentityHold(k, h.Key))).ToList());
}
