using MicroSeg.Grains.Common;
using MicroSeg.Grains.Interfaces.Workloads;
using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Streams;

namespace MicroSeg.Grains.Workloads;

/// <summary>Persisted state of one workload index shard.</summary>
[GenerateSerializer, Alias("microseg.state.WorkloadIndexShardState")]
internal sealed class WorkloadIndexShardState
{
    /// <summary>The records as objects: the first shape, read from shards written before <see cref="Encoded"/>; empty once upgraded.</summary>
    [Id(0)]
    public SortedDictionary<string, WorkloadRecord> Workloads { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Each record in Orleans' binary form, by id. The shard is written whole on every change; at 50,000 workloads it holds
    /// ≈ 12 records, and serializing all of them field by field for each write was most of what the index's storage cost.
    /// Now a write encodes the one record that changed and copies the others' bytes.
    /// </summary>
    [Id(1)]
    public SortedDictionary<string, byte[]> Encoded { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>A persisted part of the workload index.</summary>
/// <remarks>
/// Reentrant so that concurrent changes to one shard share one write of it (<see cref="CoalescedStateWriter{T}"/>):
/// each call changes the shard without awaiting, then waits for a write that started after its change.
/// </remarks>
[Reentrant]
internal sealed class WorkloadIndexShardGrain(
    [PersistentState("workload-index")] IPersistentState<WorkloadIndexShardState> state, Serializer serializer) : Grain, IWorkloadIndexShardGrain
{
    private readonly CoalescedStateWriter<WorkloadIndexShardState> _writer = new(state);
    // The stored records decoded, by id: what reads answer.
    private readonly SortedDictionary<string, WorkloadRecord> _records = new(StringComparer.Ordinal);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        foreach (var (id, bytes) in state.State.Encoded)
            _records[id] = serializer.Deserialize<WorkloadRecord>(bytes)
                ?? throw new InvalidOperationException($"Workload index shard {this.GetPrimaryKeyString()}: the stored record of '{id}' is empty.");
        if (state.State.Workloads.Count == 0)
            return;
        // A shard of the first shape: its records are encoded on this activation.
        foreach (var (id, record) in state.State.Workloads)
        {
            if (_records.TryAdd(id, record))
                state.State.Encoded[id] = serializer.SerializeToArray(record);
        }
        state.State.Workloads.Clear();
        await _writer.WriteAsync();
    }

    public async Task UpsertAsync(WorkloadRecord workload)
    {
        Set(workload);
        await _writer.WriteAsync();
    }

    public async Task UpsertManyAsync(IReadOnlyList<WorkloadRecord> workloads)
    {
        foreach (var workload in workloads)
            Set(workload);
        await _writer.WriteAsync();
    }

    private void Set(WorkloadRecord workload)
    {
        _records[workload.Spec.Id] = workload;
        state.State.Encoded[workload.Spec.Id] = serializer.SerializeToArray(workload);
    }

    public async Task ClearAsync()
    {
        if (_records.Count == 0 && state.State.Workloads.Count == 0)
            return;
        _records.Clear();
        state.State.Encoded.Clear();
        state.State.Workloads.Clear();
        await _writer.WriteAsync();
    }

    public async Task<bool> RemoveAsync(string workloadId)
    {
        if (!_records.Remove(workloadId))
            return false;
        state.State.Encoded.Remove(workloadId);
        await _writer.WriteAsync();
        return true;
    }

    public Task<IReadOnlyList<WorkloadRecord>> GetAllAsync() =>
        Task.FromResult<IReadOnlyList<WorkloadRecord>>(_records.Values.ToList());
}
