using MicroSeg.Grains.Interfaces.Identity;
using MicroSeg.Runtime;

namespace MicroSeg.Grains.Identity;

/// <summary>One allocated identity and who holds it.</summary>
internal sealed class IdentityEntry
{
    public uint Id { get; set; }

    public Dictionary<string, string> Labels { get; set; } = [];

    public SortedSet<string> Holders { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>Persisted state of the identity allocator.</summary>
internal sealed class IdentityAllocatorState
{
    public Dictionary<string, IdentityEntry> Identities { get; set; } = [];

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
