using MicroSeg.Grains.Common;
using MicroSeg.Grains.Identity;
using MicroSeg.Grains.Interfaces;
using MicroSeg.Grains.Interfaces.Identity;
using MicroSeg.Grains.Interfaces.Workloads;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;

namespace MicroSeg.Grains.Tests.Cluster;

/// <summary>
/// A data directory written before the shard layout changed (workload index and identity holders in 1,024 shards keyed
/// "0".."1023") keeps everything: the index and the allocator move it to the current layout when they activate.
/// Its own silo on its own SQLite file, so that neither grain has activated before the old shards are filled.
/// </summary>
public sealed class ShardLayoutMoveTests : OwnSqliteCluster<ShardLayoutMoveTests>
{
    [Fact]
    public async Task WorkloadsAndHolds_InTheFirstLayout_AreMovedToTheCurrentOne()
    {
        var workloads = Enumerable.Range(0, 300).Select(i => new WorkloadRecord(
            new WorkloadSpec { Id = $"old-{i}", Node = "n1", Addresses = [$"198.18.7.{i % 250}"], Labels = new Dictionary<string, string> { ["app"] = $"a{i % 3}" } },
            300u + (uint)(i % 3))).ToList();
        foreach (var w in workloads)
            await Grains.GetGrain<IWorkloadIndexShardGrain>(ShardLayout.First.KeyOf(w.Spec.Id)).UpsertAsync(w);

        // The allocator's table as the first layout stored it: three label sets, their holds in the old shards.
        var storage = ((InProcessSiloHandle)Cluster.Primary!).SiloHost.Services.GetRequiredKeyedService<IGrainStorage>("Default");
        var allocator = Grains.GetGrain<IIdentityAllocatorGrain>(GrainKeys.Cluster);
        var table = new IdentityAllocatorState { Next = 303 };
        for (var app = 0; app < 3; app++)
        {
            var labels = new Dictionary<string, string> { ["app"] = $"a{app}" };
            table.Identities[IdentityAllocatorGrain.Canonical(labels)] = new IdentityEntry { Id = 300u + (uint)app, Labels = labels };
        }
        await storage.WriteStateAsync("identities", allocator.GetGrainId(), new GrainState<IdentityAllocatorState>(table));
        foreach (var w in workloads)
            await Grains.GetGrain<IIdentityHolderShardGrain>(ShardLayout.First.KeyOf(w.Spec.Id)).AddAsync(IdentityAllocatorGrain.Canonical(w.Spec.Labels), w.Spec.Id);

        var index = await Grains.GetGrain<IWorkloadIndexGrain>(GrainKeys.Cluster).GetAllAsync();
        Assert.Equal(workloads.Select(w => w.Spec.Id).Order(StringComparer.Ordinal), index.Select(w => w.Spec.Id));
        var identities = await allocator.GetAllAsync();
        Assert.Equal([300u, 301u, 302u], identities.Select(i => i.Identity));
        Assert.All(identities, i => Assert.Equal(100, i.Holders.Count));

        // The old shards are empty; the new ones hold everything, each id in its own shard.
        foreach (var key in ShardLayout.First.Keys)
        {
            Assert.Empty(await Grains.GetGrain<IWorkloadIndexShardGrain>(key).GetAllAsync());
            Assert.Empty(await Grains.GetGrain<IIdentityHolderShardGrain>(key).GetAllAsync());
        }
        foreach (var w in workloads.Take(20))
        {
            Assert.Contains(await Grains.GetGrain<IWorkloadIndexShardGrain>(ShardLayout.Current.KeyOf(w.Spec.Id)).GetAllAsync(), r => r.Spec.Id == w.Spec.Id);
            Assert.Contains(await Grains.GetGrain<IIdentityHolderShardGrain>(ShardLayout.Current.KeyOf(w.Spec.Id)).GetAllAsync(), h => h.Holder == w.Spec.Id);
        }

        // A later activation reads the current layout only: a record written there since is kept, nothing moves again.
        var late = new WorkloadRecord(new WorkloadSpec { Id = "late", Node = "n1", Addresses = ["198.18.8.1"], Labels = new Dictionary<string, string> { ["app"] = "a0" } }, 300);
        await Grains.GetGrain<IWorkloadIndexGrain>(GrainKeys.Cluster).UpsertAsync(late);
        var silo = (InProcessSiloHandle)Cluster.Primary!;
        await Cluster.RestartSiloAsync(silo);
        var again = await Cluster.Client.GetGrain<IWorkloadIndexGrain>(GrainKeys.Cluster).GetAllAsync();
        Assert.Equal(301, again.Count);
        Assert.Contains(again, w => w.Spec.Id == "late");
        Assert.All((await Cluster.Client.GetGrain<IIdentityAllocatorGrain>(GrainKeys.Cluster).GetAllAsync()), i => Assert.Equal(100, i.Holders.Count));
    }
}
