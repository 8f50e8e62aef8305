using Orleans;
using Orleans.Concurrency;

namespace MicroSeg.Grains.Interfaces.Workloads;

/// <summary>
/// One persisted part of the workload index (keys "0" to "63", by a stable hash of the workload id),
/// so that a change rewrites a sixty-fourth of the index rather than all of it.
/// </summary>
[Alias("microseg.IWorkloadIndexShardGrain")]
public interface IWorkloadIndexShardGrain : IGrainWithStringKey
{
    /// <summary>Records (or replaces) a workload.</summary>
    Task UpsertAsync(WorkloadRecord workload);

    /// <summary>Forgets a workload; false when unknown.</summary>
    Task<bool> RemoveAsync(string workloadId);

    /// <summary>The shard's workloads.</summary>
    [AlwaysInterleave]
    Task<IReadOnlyList<WorkloadRecord>> GetAllAsync();
}
