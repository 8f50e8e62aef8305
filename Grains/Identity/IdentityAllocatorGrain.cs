using MicroSeg.Grains.Interfaces.Identity;
using MicroSeg.Grains.Common;
using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;
using Orleans.Streams;

namespace MicroSeg.Grains.Identity;

/// <summary>One allocated identity and who holds it.</summary>
[GenerateSerializer, Alias("microseg.state.IdentityEntry")]
internal sealed class IdentityEntry
{
    [Id(0)]
    public uint Id { get; set; }

    [Id(1)]
    public Dictionary<string, string> Labels { get; set; } = [];

    // Id 2 held the holders until they moved to the holder shards; it is not reused.

    /// <summary>Who holds it: persisted in the holder shards, rebuilt from them on activation.</summary>
    [NonSerialized]
    public readonly SortedSet<string> Holders = new(StringComparer.Ordinal);

    /// <summary>Completes once the write that stored this entry has; awaited before its number is handed out.</summary>
    [NonSerialized]
    public Task Stored = Task.CompletedTask;
}

/// <summary>Persisted state of the identity allocator: the label-set table, without its holders.</summary>
[GenerateSerializer, Alias("microseg.state.IdentityAllocatorState")]
internal sealed class IdentityAllocatorState
{
    [Id(0)]
    public Dictionary<string, IdentityEntry> Identities { get; set; } = [];

    [Id(1)]
    public uint Next { get; set; } = ReservedIdentities.FirstLabelIdentity;

    /// <summary>How many shards the holder table is kept in (<see cref="ShardLayout"/>); 0 for the first layout.</summary>
    [Id(2)]
    public int HolderShards { get; set; }
}

/// <summary>Cluster-wide label-set to identity table. A number is persisted before it is handed out, and never reused.</summary>
/// <remarks>
/// The table grows with the label sets; the holds grow with the workloads, so they live in
/// <see cref="IdentityHolderShardGrain"/>s and a workload write stores one small shard, not every hold in the
/// cluster. Order makes a crash harmless: an entry is stored before its first hold, and a hold is dropped before
/// its emptied entry, so a crash in between leaves at most an entry without holders, dropped at the next activation.
/// Reentrant so that concurrent calls share one write of the table (<see cref="CoalescedStateWriter{T}"/>): each
/// call changes the table without awaiting first. One call at a time made every workload write in the cluster
/// wait for the one before it.
/// </remarks>
[Reentrant]
internal sealed class IdentityAllocatorGrain(
    [PersistentState("identities")] IPersistentState<IdentityAllocatorState> state) : Grain, IIdentityAllocatorGrain
{
    /// <summary>How the holder shards keep the holds: ≈ 12 holders each at 50,000 workloads.</summary>
    private static readonly ShardLayout Layout = ShardLayout.Current;

    private readonly CoalescedStateWriter<IdentityAllocatorState> _writer = new(state);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.HolderShards != Layout.Shards)
            await MoveFromFirstLayoutAsync();
        // No entry, no hold (an entry is stored before its first hold and dropped after its last): a store never
        // written to, or emptied, reads none of the 4,096 holder shards.
        if (state.State.Identities.Count == 0)
            return;
        var shards = await Task.WhenAll(Layout.Keys.Select(key => HolderShard(key).GetAllAsync()));
        foreach (var hold in shards.SelectMany(s => s))
        {
            if (state.State.Identities.TryGetValue(hold.LabelKey, out var entry))
                entry.Holders.Add(hold.Holder);
        }
        foreach (var empty in state.State.Identities.Where(e => e.Value.Holders.Count == 0).Select(e => e.Key).ToList())
            state.State.Identities.Remove(empty);
    }

    /// <summary>
    /// Moves the holds the first layout's shards keep into the current ones (<see cref="ShardLayout.MoveFromFirstAsync"/>).
    /// A table never stored has no holds anywhere (an entry is stored before its first hold): it only takes the layout,
    /// stored with its first entry, instead of reading 1,024 empty shards.
    /// </summary>
    private async Task MoveFromFirstLayoutAsync()
    {
        if (!state.RecordExists)
        {
            state.State.HolderShards = Layout.Shards;
            return;
        }
        await Layout.MoveFromFirstAsync(
            key => HolderShard(key).GetAllAsync(), h => h.Holder, (key, holds) => HolderShard(key).AddManyAsync(holds),
            () =>
            {
                state.State.HolderShards = Layout.Shards;
                return state.WriteStateAsync();
            },
            key => HolderShard(key).ClearAsync());
    }

    public Task<bool> AnyInUseAsync() => Task.FromResult(state.State.Identities.Count > 0);

    public async Task<uint> AcquireAsync(IReadOnlyDictionary<string, string> labels, string holder)
    {
        var (key, entry) = EntryOf(labels);
        // Add answers false for a hold already counted, and so already stored.
        var added = entry.Holders.Add(holder);
        await entry.Stored;
        if (added)
            await HolderShard(Layout.KeyOf(holder)).AddAsync(key, holder);
        return entry.Id;
    }

    public async Task<uint> ReserveAsync(IReadOnlyDictionary<string, string> labels, string holder)
    {
        var (_, entry) = EntryOf(labels);
        // Counted now, so that another holder's release cannot drop the entry before this hold is stored.
        entry.Holders.Add(holder);
        await entry.Stored;
        return entry.Id;
    }

    /// <summary>The label set's entry, created (and its write started) the first time; no await, so callers interleave safely.</summary>
    private (string Key, IdentityEntry Entry) EntryOf(IReadOnlyDictionary<string, string> labels)
    {
        var key = Canonical(labels);
        if (!state.State.Identities.TryGetValue(key, out var entry))
        {
            entry = new IdentityEntry { Id = state.State.Next++, Labels = new Dictionary<string, string>(labels) };
            state.State.Identities[key] = entry;
            entry.Stored = _writer.WriteAsync();
        }
        return (key, entry);
    }

    public async Task<uint> PersistHoldAsync(IReadOnlyDictionary<string, string> labels, string holder)
    {
        var key = Canonical(labels);
        if (!state.State.Identities.TryGetValue(key, out var entry) || !entry.Holders.Contains(holder))
            return await AcquireAsync(labels, holder);
        await entry.Stored;
        // The shard skips the write when it already holds this hold (a workload rewritten with the same labels).
        await HolderShard(Layout.KeyOf(holder)).AddAsync(key, holder);
        return entry.Id;
    }

    public async Task ReleaseAsync(IReadOnlyDictionary<string, string> labels, string holder)
    {
        var key = Canonical(labels);
        if (!state.State.Identities.TryGetValue(key, out var entry) || !entry.Holders.Remove(holder))
            return;
        var emptied = entry.Holders.Count == 0;
        if (emptied)
            state.State.Identities.Remove(key);
        await HolderShard(Layout.KeyOf(holder)).RemoveAsync(key, holder);
        if (emptied)
            await _writer.WriteAsync();
    }

    public Task<IReadOnlyList<IdentityInfo>> GetAllAsync() =>
        Task.FromResult<IReadOnlyList<IdentityInfo>>(state.State.Identities.Values
            .OrderBy(e => e.Id)
            .Select(e => new IdentityInfo(e.Id, e.Labels, e.Holders.ToList()))
            .ToList());

    private IIdentityHolderShardGrain HolderShard(string key) => GrainFactory.GetGrain<IIdentityHolderShardGrain>(key);

    /// <summary>Sorted "k=v" pairs: equal label sets give equal keys whatever their order.</summary>
    internal static string Canonical(IReadOnlyDictionary<string, string> labels) =>
        string.Join('\n', labels.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));
}
