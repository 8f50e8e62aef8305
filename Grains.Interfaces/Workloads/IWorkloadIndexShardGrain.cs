using Orleans;
using Orleans.Concurrency;

namespace MicroSeg.Grains.Interfaces.Workloads;

/// <summary>
/// One persisted part of the workload index, by a stable hash of the workload id, so that a change rewrites a
/// small part of the index rather than all of it. The index grain owns the layout (how many shards, their keys).
/// </summary>
[Alias("microseg.IWorkloadIndexShardGrain")]
public interface IWorkloadIndexShardGrain : IGrainWithStringKey
{
    /// <summary>Records (or replaces) a workload.</summary>
    Task UpsertAsync(WorkloadRecord workload);

    /// <summary>Records (or replaces) several workloads with one write: how a table moves to a new layout.</summary>
    Task UpsertManyAsync(IReadOnlyList<WorkloadRecord> workloads);

    /// <summary>Forgets every workload of this shard (a shard of a layout the table has left).</summary>
    Task ClearAsync();

    /// <summary>Forgets a workload; false when unknown.</summary>
    Task<bool> RemoveAsync(string workloadId);

    /// <summary>The shard's workloads.</summary>
    [AlwaysInterleave]
    Task<IReadOnlyList<WorkloadRecord>> GetAllAsync();
}
