using Orleans;
using Orleans.Concurrency;

namespace MicroSeg.Grains.Interfaces.Identity;

/// <summary>
/// A persisted part of the identity allocator's holder table, by a stable hash of the holder id. The allocator
/// persists its label-set table on its own and each hold here, so a workload write stores one small shard
/// instead of the table of every holder in the cluster.
/// </summary>
[Alias("microseg.IIdentityHolderShardGrain")]
public interface IIdentityHolderShardGrain : IGrainWithStringKey
{
    /// <summary>Records that <paramref name="holder"/> holds the identity of the label set <paramref name="labelKey"/>.</summary>
    Task AddAsync(string labelKey, string holder);

    /// <summary>Records several holds with one write: how the table moves to a new layout.</summary>
    Task AddManyAsync(IReadOnlyList<IdentityHold> holds);

    /// <summary>Forgets every hold of this shard (a shard of a layout the table has left).</summary>
    Task ClearAsync();

    /// <summary>Forgets that hold; no-op when unknown.</summary>
    Task RemoveAsync(string labelKey, string holder);

    /// <summary>Every hold this shard keeps.</summary>
    [AlwaysInterleave]
    Task<IReadOnlyList<IdentityHold>> GetAllAsync();
}

/// <summary>One workload's hold on the identity of one label set.</summary>
/// <param name="LabelKey">The label set, in the allocator's canonical form.</param>
/// <param name="Holder">The workload id.</param>
[GenerateSerializer, Immutable, Alias("microseg.IdentityHold")]
public sealed record IdentityHold(string LabelKey, string Holder);
