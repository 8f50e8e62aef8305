using Orleans;
using Orleans.Concurrency;

namespace MicroSeg.Grains.Interfaces.Identity;

/// <summary>
/// A persisted part of the identity allocator's holder table, by holder id (keys "0" to "N-1"). The allocator
/// persists its label-set table on its own and each hold here, so a workload write stores one small shard
/// instead of the table of every holder in the cluster.
/// </summary>
[Alias("microseg.IIdentityHolderShardGrain")]
public interface IIdentityHolderShardGrain : IGrainWithStringKey
{
    /// <summary>Records that <paramref name="holder"/> holds the identity of the label set <paramref name="labelKey"/>.</summary>
    Task AddAsync(string labelKey, string holder);

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
