using MicroSeg.Grains.Interfaces.Workloads;
using MicroSeg.Runtime;

namespace MicroSeg.Grains.Workloads;

/// <summary>
/// Every workload in one place for listing and node computation. It keeps no state of its own: the
/// shards persist, and this grain holds their union in memory, loaded from them on activation.
/// </summary>
internal sealed class WorkloadIndexGrain : Grain, IWorkloadIndexGrain
{
    internal const int Shards = 64;

    private readonly SortedDictionary<string, WorkloadRecord> _workloads = new(StringComparer.Ordinal);
    private IReadOnlyList<WorkloadRecord>? _snapshot;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var parts = await Task.WhenAll(Enumerable.Range(0, Shards).Select(i => Shard(i.ToString(System.Globalization.CultureInfo.InvariantCulture)).GetAllAsync()));
        foreach (var record in parts.SelectMany(p => p))
            _workloads[record.Spec.Id] = record;
    }

    public async Task UpsertAsync(WorkloadRecord workload)
    {
        await Shard(WorkloadIndexShardGrain.ShardOf(workload.Spec.Id)).UpsertAsync(workload);
        _workloads[workload.Spec.Id] = workload;
        _snapshot = null;
    }

    public async Task RemoveAsync(string workloadId)
    {
        await Shard(WorkloadIndexShardGrain.ShardOf(workloadId)).RemoveAsync(workloadId);
        if (_workloads.Remove(workloadId))
            _snapshot = null;
    }

    public Task<IReadOnlyList<WorkloadRecord>> GetAllAsync() => Task.FromResult(_snapshot ??= _workloads.Values.ToList());

    private IWorkloadIndexShardGrain Shard(string key) => GrainFactory.GetGrain<IWorkloadIndexShardGrain>(key);
}
