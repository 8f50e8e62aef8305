using MicroSeg.Grains.Interfaces.Identity;
using Orleans;
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

    [Id(2)]
    public SortedSet<string> Holders { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>Persisted state of the identity allocator.</summary>
[GenerateSerializer, Alias("microseg.state.IdentityAllocatorState")]
internal sealed class IdentityAllocatorState
{
    [Id(0)]
    public Dictionary<string, IdentityEntry> Identities { get; set; } = [];

    [Id(1)]
    public uint Next { get; set; } = ReservedIdentities.FirstLabelIdentity;
}

/// <summary>Cluster-wide label-set to identity table. A number is persisted before it is handed out, and never reused.</summary>
internal sealed class IdentityAllocatorGrain(
    [PersistentState("identities")] IPersistentState<IdentityAllocatorState> state) : Grain, IIdentityAllocatorGrain
{
    public async Task<uint> AcquireAsync(IReadOnlyDictionary<string, string> labels, string holder)
    {
        var key = Canonical(labels);
        if (!state.State.Identities.TryGetValue(key, out var entry))
        {
            entry = new IdentityEntry { Id = state.State.Next++, Labels = new Dictionary<string, string>(labels) };
            state.State.Identities[key] = entry;
        }
        else if (entry.Holders.Contains(holder))
        {
            return entry.Id;
        }
        entry.Holders.Add(holder);
        await state.WriteStateAsync();
        return entry.Id;
    }

    public async Task ReleaseAsync(IReadOnlyDictionary<string, string> labels, string holder)
    {
        var key = Canonical(labels);
        if (!state.State.Identities.TryGetValue(key, out var entry) || !entry.Holders.Remove(holder))
            return;
        if (entry.Holders.Count == 0)
            state.State.Identities.Remove(key);
        await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<IdentityInfo>> GetAllAsync() =>
        Task.FromResult<IReadOnlyList<IdentityInfo>>(state.State.Identities.Values
            .OrderBy(e => e.Id)
            .Select(e => new IdentityInfo(e.Id, e.Labels, e.Holders.ToList()))
            .ToList());

    /// <summary>Sorted "k=v" pairs: equal label sets give equal keys whatever their order.</summary>
    internal static string Canonical(IReadOnlyDictionary<string, string> labels) =>
        string.Join('\n', labels.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));
}
