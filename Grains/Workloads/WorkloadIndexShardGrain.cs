using MicroSeg.Grains.Common;
using MicroSeg.Grains.Interfaces.Workloads;
using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;
using Orleans.Streams;

namespace MicroSeg.Grains.Workloads;

/// <summary>Persisted state of one workload index shard.</summary>
[GenerateSerializer, Alias("microseg.state.WorkloadIndexShardState")]
internal sealed class WorkloadIndexShardState
{
    [Id(0)]
    public SortedDictionary<string, WorkloadRecord> Workloads { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>A persisted part of the workload index.</summary>
/// <remarks>
/// Reentrant so that concurrent changes to one shard share one write of it (<see cref="CoalescedStateWriter{T}"/>):
/// each call changes the shard without awaiting, then waits for a write that started after its change.
/// </remarks>
[Reentrant]
internal sealed class WorkloadIndexShardGrain(
    [PersistentState("workload-index")] IPersistentState<WorkloadIndexShardState> state) : Grain, IWorkloadIndexShardGrain
{
    private readonly CoalescedStateWriter<WorkloadIndexShardState> _writer = new(state);

    public async Task UpsertAsync(WorkloadRecord workload)
    {
        state.State.Workloads[workload.Spec.Id] = workload;
        await _writer.WriteAsync();
    }

    public async Task UpsertManyAsync(IReadOnlyList<WorkloadRecord> workloads)
    {
        foreach (var workload in workloads)
            state.State.Workloads[workload.Spec.Id] = workload;
        await _writer.WriteAsync();
    }

    public async Task ClearAsync()
    {
        if (state.State.Workloads.Count == 0)
            return;
        state.State.Workloads.Clear();
        await _writer.WriteAsync();
    }

    public async Task<bool> RemoveAsync(string workloadId)
    {
        if (!state.State.Workloads.Remove(workloadId))
            return false;
        await _writer.WriteAsync();
        return true;
    }

    public Task<IReadOnlyList<WorkloadRecord>> GetAllAsync() =>
        Task.FromResult<IReadOnlyList<WorkloadRecord>>(state.State.Workloads.Values.ToList());
}
