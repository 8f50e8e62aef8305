using Orleans;
using Orleans.Concurrency;

namespace MicroSeg.Grains.Interfaces.Workloads;

/// <summary>
/// Cluster-wide list of workloads (key <see cref="GrainKeys.Cluster"/>), a persisted projection of
/// the workload grains that answers list queries and policy computation in one call.
/// </summary>
[Alias("microseg.IWorkloadIndexGrain")]
public interface IWorkloadIndexGrain : IGrainWithStringKey
{
    /// <summary>Records (or replaces) a workload.</summary>
    /// <remarks>
    /// Interleaves so that writes to different shards are stored in parallel instead of one after another. A
    /// workload's own changes still arrive one at a time (its grain awaits each), so they cannot overtake each other.
    /// </remarks>
    /// <returns>The index version that includes this change.</returns>
    [AlwaysInterleave]
    Task<string> UpsertAsync(WorkloadRecord workload);

    /// <summary>Forgets a workload; no-op when unknown.</summary>
    /// <remarks>Interleaves, as <see cref="UpsertAsync"/> does.</remarks>
    /// <returns>The index version that includes this change.</returns>
    [AlwaysInterleave]
    Task<string> RemoveAsync(string workloadId);

    /// <summary>Every workload, ordered by id.</summary>
    [AlwaysInterleave]
    Task<IReadOnlyList<WorkloadRecord>> GetAllAsync();

    /// <summary>The version of the current content: equal versions mean equal content, across activations too.</summary>
    [AlwaysInterleave]
    Task<string> GetVersionAsync();

    /// <summary>The current content and its version, read together.</summary>
    [AlwaysInterleave]
    Task<IndexSnapshot<WorkloadRecord>> GetSnapshotAsync();
}
