using MicroSeg.Grains.Common;
using MicroSeg.Grains.Interfaces;
using MicroSeg.Grains.Interfaces.Identity;
using MicroSeg.Grains.Interfaces.Workloads;
using Orleans;
using Orleans.Runtime;
using Orleans.Streams;
using Microsoft.Extensions.Logging;

namespace MicroSeg.Grains.Workloads;

/// <summary>
/// Every workload in one place for listing and node computation. It keeps no state of its own: the
/// shards persist, and this grain holds their union in memory, reloaded from them on activation and
/// whenever the copy is older than <see cref="RefreshPeriod"/>. The reload bounds how long a copy can be
/// wrong, e.g. one built by a duplicate activation while a cluster's routing views still disagreed.
/// </summary>
internal sealed partial class WorkloadIndexGrain(
    [PersistentState("workload-index-layout")] IPersistentState<WorkloadIndexLayoutState> layout, TimeProvider time, ILogger<WorkloadIndexGrain> logger)
    : Grain, IWorkloadIndexGrain
{
    /// <summary>
    /// How the shards persist the index. Each change rewrites its whole shard, so a shard must stay small at the
    /// largest workload count we size for (50,000 workloads: ≈ 12 per shard, ≈ 10 kB per write).
    /// </summary>
    private static readonly ShardLayout Layout = ShardLayout.Current;

    /// <summary>
    /// How stale the in-memory union may get before reads reload it from the shards: the bound node grains keep for a
    /// missed change (<see cref="Nodes.NodeGrain.ReconcilePeriod"/>). A reload is a call to each of the 4,096 shards and
    /// a copy of every record; every 5 s it cost a busy 50,000-workload silo more than the writes it bounds.
    /// </summary>
    internal static readonly TimeSpan RefreshPeriod = Nodes.NodeGrain.ReconcilePeriod;

    /// <summary>How many shards a reload reads at once.</summary>
    internal const int ReloadSlice = 128;

    private SortedWorkloadList _workloads = new();
    private VersionedList<WorkloadRecord>? _versioned;
    private DateTimeOffset _loadedAt = DateTimeOffset.MinValue;
    private Task? _reload;
    private HashSet<string>? _changedDuringReload;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var empty = await StoreIsEmptyAsync();
        if (layout.State.Shards != Layout.Shards)
        {
            if (empty)
                await RecordLayoutAsync();
            else
                await MoveFromFirstLayoutAsync();
        }
        await ReloadUnlessEmptyAsync(empty);
    }

    /// <summary>Reads every shard, or only records the time when the store is known to hold no workload.</summary>
    private Task ReloadUnlessEmptyAsync(bool empty)
    {
        if (!empty)
            return ReloadAsync();
        _loadedAt = time.GetUtcNow();
        return Task.CompletedTask;
    }

    /// <summary>
    /// Whether no shard in any layout can hold a record: then activations and reloads read none of the 4,096 shards (and
    /// 1,024 of the first layout), which on a fresh silo made the first request wait seconds.
    /// </summary>
    private async Task<bool> StoreIsEmptyAsync() =>
        _workloads.Count == 0 && !await GrainFactory.GetGrain<IIdentityAllocatorGrain>(GrainKeys.Cluster).AnyInUseAsync();

    private Task RecordLayoutAsync()
    {
        layout.State.Shards = Layout.Shards;
        return layout.WriteStateAsync();
    }

    /// <summary>Moves what the first layout's shards hold into the current ones (<see cref="ShardLayout.MoveFromFirstAsync"/>).</summary>
    private async Task MoveFromFirstLayoutAsync()
    {
        var moved = await Layout.MoveFromFirstAsync(
            key => Shard(key).GetAllAsync(), w => w.Spec.Id, (key, records) => Shard(key).UpsertManyAsync(records),
            RecordLayoutAsync,
            key => Shard(key).ClearAsync());
        if (moved > 0)
            LogMovedLayout(moved, ShardLayout.First.Shards, Layout.Shards);
    }

    public async Task<string> UpsertAsync(WorkloadRecord workload)
    {
        await Shard(Layout.KeyOf(workload.Spec.Id)).UpsertAsync(workload);
        _workloads.Set(workload);
        Versioned.Invalidate();
        _changedDuringReload?.Add(workload.Spec.Id);
        return Versioned.Version;
    }

    public async Task<string> RemoveAsync(string workloadId)
    {
        await Shard(Layout.KeyOf(workloadId)).RemoveAsync(workloadId);
        if (_workloads.Remove(workloadId))
            Versioned.Invalidate();
        _changedDuringReload?.Add(workloadId);
        return Versioned.Version;
    }

    public async Task<IReadOnlyList<WorkloadRecord>> GetAllAsync() => (await CurrentAsync()).Items;

    public async Task<string> GetVersionAsync() => (await CurrentAsync()).Version;

    public async Task<IndexSnapshot<WorkloadRecord>> GetSnapshotAsync() => (await CurrentAsync()).Snapshot;

    /// <summary>One list instance per content, with its version.</summary>
    private VersionedList<WorkloadRecord> Versioned => _versioned ??= new(() => _workloads.Publish());

    private Task<VersionedList<WorkloadRecord>> CurrentAsync()
    {
        // The periodic reload runs beside the reads instead of in front of them: this copy already holds every
        // change made through this activation, and a fan-out that waited for 1,024 shard reads every few
        // seconds put that wait on the path of whichever label change came next. One reload at a time.
        if (_reload is { IsCompleted: true })
            _reload = null;
        if (_reload is null && time.GetUtcNow() - _loadedAt > RefreshPeriod)
            _reload = RefreshAsync();
        return Task.FromResult(Versioned);
    }

    private async Task RefreshAsync()
    {
        try
        {
            await ReloadUnlessEmptyAsync(await StoreIsEmptyAsync());
        }
        catch (Exception ex)
        {
            // The copy stays as it was (it holds every change made through this grain); the next read retries.
            LogReloadFailed(ex);
        }
    }

    private async Task ReloadAsync()
    {
        var startedAt = time.GetUtcNow();
        var changed = _changedDuringReload = new HashSet<string>(StringComparer.Ordinal);
        var parts = new List<IReadOnlyList<WorkloadRecord>>(Layout.Shards);
        try
        {
            // A slice of the shards at a time: 4,096 calls sent at once queue in front of every other message of the
            // silo, and the label change that arrives with them waits for all of them (the reload runs beside reads).
            foreach (var slice in Layout.Keys.Chunk(ReloadSlice))
                parts.AddRange(await Task.WhenAll(slice.Select(key => Shard(key).GetAllAsync())));
        }
        finally
        {
            _changedDuringReload = null;
        }
        var loaded = SortedWorkloadList.Of(parts.SelectMany(p => p));
        // A change that landed while the shards were read may be missing from what they returned: this
        // copy already holds it, so it wins for those ids.
        foreach (var id in changed)
        {
            if (_workloads.Find(id) is { } current)
                loaded.Set(current);
            else
                loaded.Remove(id);
        }
        // Keep the snapshot instance when the shards hold exactly what this copy holds: node computations
        // recognise an unchanged cluster by it and skip re-deriving their shared model.
        if (!loaded.SameAs(_workloads))
        {
            _workloads = loaded;
            Versioned.Invalidate();
        }
        _loadedAt = startedAt;
    }


    private IWorkloadIndexShardGrain Shard(string key) => GrainFactory.GetGrain<IWorkloadIndexShardGrain>(key);

    [LoggerMessage(EventId = 2403, Level = LogLevel.Information, Message = "Workload index: moved {Count} workloads from {OldShards} shards to {Shards}")]
    private partial void LogMovedLayout(int count, int oldShards, int shards);

    [LoggerMessage(EventId = 2401, Level = LogLevel.Warning, Message = "Workload index: periodic reload from its shards failed; serving the current copy")]
    private partial void LogReloadFailed(Exception ex);
}

/// <summary>Persisted state of the workload index grain: which shard layout its shards are in (0: the first).</summary>
[GenerateSerializer, Alias("microseg.state.WorkloadIndexLayoutState")]
internal sealed class WorkloadIndexLayoutState
{
    [Id(0)]
    public int Shards { get; set; }
}
