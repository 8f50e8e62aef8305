using MicroSeg.Grains.Interfaces.Identity;
using MicroSeg.Runtime;

namespace MicroSeg.Grains.Identity;

/// <summary>Persisted state of the identity allocator.</summary>
internal sealed class IdentityAllocatorState
{
    public Dictionary<string, uint> Identities { get; set; } = [];

    public uint Next { get; set; } = ReservedIdentities.FirstLabelIdentity;
}

/// <summary>Cluster-wide label-set to identity table. A number is persisted before it is handed out.</summary>
internal sealed class IdentityAllocatorGrain(
    [PersistentState("identities")] IPersistentState<IdentityAllocatorState> state) : Grain, IIdentityAllocatorGrain
{
    public async Task<uint> GetOrAllocateAsync(IReadOnlyDictionary<string, string> labels)
    {
        var key = Canonical(labels);
        if (state.State.Identities.TryGetValue(key, out var existing))
            return existing;
        var id = state.State.Next++;
        state.State.Identities[key] = id;
        await state.WriteStateAsync();
        return id;
    }

    /// <summary>Sorted "k=v" pairs: equal label sets give equal keys whatever their order.</summary>
    internal static string Canonical(IReadOnlyDictionary<string, string> labels) =>
        string.Join('\n', labels.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));
}
