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

    /// <summary>The second shape: each record's bytes by id, read from shards written before <see cref="Packed"/>; empty once upgraded.</summary>
    [Id(1)]
    public SortedDictionary<string, byte[]> Encoded { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Each record in Orleans' binary form, by id, packed into one array (<see cref="PackedEntries"/>). The shard is
    /// written whole on every change; at 50,000 workloads it holds ≈ 12 records, and serializing all of them for each
    /// write was most of what the index's storage cost. Now a write encodes the one record that changed and copies the
    /// others' bytes.
    /// </summary>
    [Id(2)]
    public byte[] Packed { get; set; } = [];
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
    // The stored records decoded, by id (what reads answer), and each one's bytes, packed for each write.
    private readonly SortedDictionary<string, WorkloadRecord> _records = new(StringComparer.Ordinal);
    private PackedEntries _entries = new();
    private CoalescedStateWriter<WorkloadIndexShardState>? _writer;

    private CoalescedStateWriter<WorkloadIndexShardState> Writer => _writer ??= new(state, () => state.State.Packed = _entries.Pack(), () => state.State.Packed = []);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var owner = $"Workload index shard {this.GetPrimaryKeyString()}";
        _entries = PackedEntries.Unpack(state.State.Packed, owner);
        foreach (var (id, bytes) in _entries.Entries.Concat(state.State.Encoded.Select(e => KeyValuePair.Create(e.Key, (ReadOnlyMemory<byte>)e.Value))))
            _records[id] = serializer.Deserialize<WorkloadRecord>(bytes)
                ?? throw new InvalidOperationException($"{owner}: the stored record of '{id}' is empty.");
        if (state.State.Workloads.Count == 0 && state.State.Encoded.Count == 0)
            return;
        // A shard of an earlier shape: its records are packed on this activation.
        foreach (var (id, bytes) in state.State.Encoded)
            _entries[id] = bytes;
        foreach (var (id, record) in state.State.Workloads)
        {
            if (_records.TryAdd(id, record))
                _entries[id] = serializer.SerializeToArray(record);
        }
        state.State.Workloads.Clear();
        state.State.Encoded.Clear();
        await Writer.WriteAsync();
    }

    public async Task UpsertAsync(WorkloadRecord workload)
    {
        Set(workload);
        await Writer.WriteAsync();
    }

    public async Task UpsertManyAsync(IReadOnlyList<WorkloadRecord> workloads)
    {
        foreach (var workload in workloads)
            Set(workload);
        await Writer.WriteAsync();
    }

    private void Set(WorkloadRecord workload)
    {
        _records[workload.Spec.Id] = workload;
        _entries[workload.Spec.Id] = serializer.SerializeToArray(workload);
    }

    public async Task ClearAsync()
    {
        if (_records.Count == 0)
            return;
        _records.Clear();
        _entries.Clear();
        await Writer.WriteAsync();
    }

    public async Task<bool> RemoveAsync(string workloadId)
    {
        if (!_records.Remove(workloadId))
            return false;
        _entries.Remove(workloadId);
        await Writer.WriteAsync();
        return true;
    }

    public Task<IReadOnlyList<WorkloadRecord>> GetAllAsync() =>
        Task.FromResult<IReadOnlyList<WorkloadRecord>>(_records.Values.ToList());
}
