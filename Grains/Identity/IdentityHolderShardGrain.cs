using MicroSeg.Grains.Common;
using MicroSeg.Grains.Interfaces.Identity;
using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;
using Orleans.Serialization;

namespace MicroSeg.Grains.Identity;

/// <summary>Persisted state of one identity holder shard: holder id to the label sets it holds.</summary>
[GenerateSerializer, Alias("microseg.state.IdentityHolderShardState")]
internal sealed class IdentityHolderShardState
{
    /// <summary>The first shape of the table, read from shards written before <see cref="Packed"/>; empty once upgraded.</summary>
    [Id(0)]
    public SortedDictionary<string, SortedSet<string>> Holds { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The second shape: holder id to its label sets as objects; empty once upgraded.</summary>
    [Id(1)]
    public Dictionary<string, string[]> Holders { get; set; } = [];

    /// <summary>
    /// Holder id to the label sets it holds (almost always one), each in Orleans' binary form, packed into one array
    /// (<see cref="PackedEntries"/>). The shard is written whole on every hold and release, and at 50,000 workloads it
    /// has ≈ 12 holders: serializing each one's strings again for every write grew with the cluster. Now a write encodes
    /// the holder that changed and copies the others' bytes.
    /// </summary>
    [Id(2)]
    public byte[] Packed { get; set; } = [];

    /// <summary>
    /// The stored holders' entries, with those of the earlier shapes moved in (encoded); <paramref name="moved"/> is true
    /// when there were any (the state should be written).
    /// </summary>
    public PackedEntries Decode(Serializer serializer, string owner, out bool moved)
    {
        var entries = PackedEntries.Unpack(Packed, owner);
        // Every holder is decoded once here, so that a damaged entry fails the activation as before, not a later call.
        foreach (var (_, bytes) in entries.Entries)
            _ = serializer.Deserialize<string[]>(bytes);
        moved = Holds.Count > 0 || Holders.Count > 0;
        foreach (var (holder, keys) in Holds.Select(h => (h.Key, h.Value.ToArray())).Concat(Holders.Select(h => (h.Key, h.Value))))
            entries[holder] = serializer.SerializeToArray<string[]>([.. keys.Union(KeysOf(entries, holder, serializer), StringComparer.Ordinal)]);
        Holds.Clear();
        Holders.Clear();
        return entries;
    }

    /// <summary>The label sets <paramref name="holder"/> holds in <paramref name="entries"/>; empty when it holds none.</summary>
    public static string[] KeysOf(PackedEntries entries, string holder, Serializer serializer) =>
        entries.TryGetValue(holder, out var bytes) ? serializer.Deserialize<string[]>(bytes) ?? [] : [];
}

/// <summary>A persisted part of the identity holder table.</summary>
/// <remarks>
/// Reentrant so that concurrent holds on one shard share one write of it (<see cref="CoalescedStateWriter{T}"/>):
/// each call changes the shard without awaiting, then waits for a write that started after its change.
/// </remarks>
[Reentrant]
internal sealed class IdentityHolderShardGrain(
    [PersistentState("identity-holders")] IPersistentState<IdentityHolderShardState> state, Serializer serializer) : Grain, IIdentityHolderShardGrain
{
    // Each holder's label sets in their stored bytes, packed for each write. Nothing else is kept: a decoded copy of
    // every holder was a second reference per change for the GC to trace from this long-lived grain to a young object.
    private PackedEntries _entries = new();
    private CoalescedStateWriter<IdentityHolderShardState>? _writer;

    private CoalescedStateWriter<IdentityHolderShardState> Writer => _writer ??= new(state, () => state.State.Packed = _entries.Pack(), () => state.State.Packed = []);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _entries = state.State.Decode(serializer, $"Identity holder shard {this.GetPrimaryKeyString()}", out var moved);
        if (moved)
            await Writer.WriteAsync();
    }

    public async Task AddAsync(string labelKey, string holder)
    {
        if (Add(labelKey, holder))
            await Writer.WriteAsync();
    }

    public async Task AddManyAsync(IReadOnlyList<IdentityHold> holds)
    {
        var added = false;
        foreach (var hold in holds)
            added |= Add(hold.LabelKey, hold.Holder);
        if (added)
            await Writer.WriteAsync();
    }

    /// <summary>Adds a hold to the table without writing it; false when it was already there.</summary>
    private bool Add(string labelKey, string holder)
    {
        var keys = KeysOf(holder);
        if (keys.Contains(labelKey, StringComparer.Ordinal))
            return false;
        _entries[holder] = serializer.SerializeToArray<string[]>([.. keys, labelKey]);
        return true;
    }

    private string[] KeysOf(string holder) => IdentityHolderShardState.KeysOf(_entries, holder, serializer);

    public async Task ClearAsync()
    {
        if (_entries.Count == 0)
            return;
        _entries.Clear();
        await Writer.WriteAsync();
    }

    public async Task RemoveAsync(string labelKey, string holder)
    {
        var keys = KeysOf(holder);
        if (!keys.Contains(labelKey, StringComparer.Ordinal))
            return;
        if (keys.Length == 1)
            _entries.Remove(holder);
        else
            _entries[holder] = serializer.SerializeToArray<string[]>([.. keys.Where(k => !string.Equals(k, labelKey, StringComparison.Ordinal))]);
        await Writer.WriteAsync();
    }

    public Task<IReadOnlyList<IdentityHold>> GetAllAsync() =>
        Task.FromResult<IReadOnlyList<IdentityHold>>(_entries.Entries
            .SelectMany(e => (serializer.Deserialize<string[]>(e.Value) ?? []).Select(k => new IdentityHold(k, e.Key))).ToList());
}
