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
    [Id(0)]
    public SortedDictionary<string, SortedSet<string>> Holds { get; set; } = new(StringComparer.Ordinal);
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
    /// <summary>How many shards hold the table: ≈ 50 holders each at 50,000 workloads. Changing it orphans older shards.</summary>
    internal const int Shards = 1024;

    private readonly CoalescedStateWriter<IdentityHolderShardState> _writer = new(state);

    public async Task AddAsync(string labelKey, string holder)
    {
        if (!state.State.Holds.TryGetValue(holder, out var keys))
            state.State.Holds[holder] = keys = new SortedSet<string>(StringComparer.Ordinal);
        if (keys.Add(labelKey))
            await _writer.WriteAsync();
    }

    public async Task RemoveAsync(string labelKey, string holder)
    {
        if (!state.State.Holds.TryGetValue(holder, out var keys) || !keys.Remove(labelKey))
            return;
        if (keys.Count == 0)
            state.State.Holds.Remove(holder);
        await _writer.WriteAsync();
    }

    public Task<IReadOnlyList<IdentityHold>> GetAllAsync() =>
        Task.FromResult<IReadOnlyList<IdentityHold>>(state.State.Holds.SelectMany(h => h.Value.Select(k => new IdentityHold(k, h.Key))).ToList());

    /// <summary>The shard of a holder id: FNV-1a, stable across processes (string hash codes are not).</summary>
    internal static string ShardOf(string holder)
    {
        var hash = 2166136261u;
        foreach (var c in holder)
            hash = (hash ^ c) * 16777619u;
        return (hash % Shards).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
