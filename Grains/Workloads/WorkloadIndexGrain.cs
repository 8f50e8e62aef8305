using MicroSeg.Grains.Interfaces.Workloads;
using MicroSeg.Runtime;

namespace MicroSeg.Grains.Workloads;

/// <summary>Persisted state of the workload index.</summary>
internal sealed class WorkloadIndexState
{
    public SortedDictionary<string, WorkloadRecord> Workloads { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>Keeps every workload in one place for listing and for node computation.</summary>
internal sealed class WorkloadIndexGrain(
    [PersistentState("workload-index")] IPersistentState<WorkloadIndexState> state) : Grain, IWorkloadIndexGrain
{
    private IReadOnlyList<WorkloadRecord>? _snapshot;

    public async Task UpsertAsync(WorkloadRecord workload)
    {
        state.State.Workloads[workload.Spec.Id] = workload;
        _snapshot = null;
        await state.WriteStateAsync();
    }

    public async Task RemoveAsync(string workloadId)
    {
        if (!state.State.Workloads.Remove(workloadId))
            return;
        _snapshot = null;
        await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<WorkloadRecord>> GetAllAsync() =>
        Task.FromResult(_snapshot ??= state.State.Workloads.Values.ToList());
}
