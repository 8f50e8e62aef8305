using MicroSeg.Grains.Common;
using MicroSeg.Grains.Interfaces.Workloads;
using MicroSeg.Grains.Tests.Serialization;
using MicroSeg.Grains.Workloads;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;

namespace MicroSeg.Grains.Tests.Cluster;

/// <summary>
/// A workload index shard stores each record encoded on its own, packed into one array; a shard stored in an earlier
/// shape (records as objects, or encoded records by id) is read as before and re-stored packed when it activates. Its
/// own silo on its own SQLite file.
/// </summary>
public sealed class WorkloadIndexShardFormatTests : OwnSqliteCluster<WorkloadIndexShardFormatTests>
{
    [Fact]
    public async Task ShardOfTheEarlierShapes_IsReadAndStoredPacked_AndLaterWritesEncodeOnlyTheirRecord()
    {
        var storage = ((InProcessSiloHandle)Cluster.Primary!).SiloHost.Services.GetRequiredKeyedService<IGrainStorage>("Default");
        var shard = Grains.GetGrain<IWorkloadIndexShardGrain>("format-test");
        var first = new WorkloadIndexShardState();
        first.Workloads["a"] = Record("a", 300);
        first.Encoded["b"] = GrainSerializer.Instance.SerializeToArray(Record("b", 301));
        await storage.WriteStateAsync("workload-index", shard.GetGrainId(), new GrainState<WorkloadIndexShardState>(first));

        Assert.Equal([("a", 300u), ("b", 301u)], (await shard.GetAllAsync()).Select(w => (w.Spec.Id, w.Identity)));
        var upgraded = await StoredAsync();
        Assert.Empty(upgraded.Workloads);
        Assert.Empty(upgraded.Encoded);
        Assert.Equal(["a", "b"], Keys(upgraded));

        await shard.UpsertAsync(Record("c", 302));
        await shard.UpsertAsync(Record("a", 303));
        Assert.True(await shard.RemoveAsync("b"));
        var stored = await StoredAsync();
        Assert.Equal(["a", "c"], Keys(stored));
        // What is stored is what a fresh activation reads.
        var management = Grains.GetGrain<Orleans.Runtime.IManagementGrain>(0);
        await management.ForceActivationCollection(TimeSpan.Zero);
        Assert.Null(await management.GetActivationAddress(shard));
        Assert.Equal([("a", 303u), ("c", 302u)], (await shard.GetAllAsync()).Select(w => (w.Spec.Id, w.Identity)));

        async Task<WorkloadIndexShardState> StoredAsync()
        {
            var read = new GrainState<WorkloadIndexShardState>();
            await storage.ReadStateAsync("workload-index", shard.GetGrainId(), read);
            return read.State!;
        }
    }

    private static IEnumerable<string> Keys(WorkloadIndexShardState state) =>
        PackedEntries.Unpack(state.Packed, "test").Entries.Select(e => e.Key).Order(StringComparer.Ordinal);

    private static WorkloadRecord Record(string id, uint identity) =>
        new(new WorkloadSpec { Id = id, Node = "n1", Addresses = ["198.18.9.1"], Labels = new Dictionary<string, string> { ["app"] = "a" } }, identity);
}
