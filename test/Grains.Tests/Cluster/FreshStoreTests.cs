using MicroSeg.Grains.Interfaces;
using MicroSeg.Grains.Interfaces.Identity;
using MicroSeg.Grains.Interfaces.Workloads;
using Orleans.Runtime;
using Orleans.TestingHost;

namespace MicroSeg.Grains.Tests.Cluster;

/// <summary>
/// A store that holds no workload is not read shard by shard: the workload index and the identity allocator activate
/// without touching their 4,096 shards (nor the first layout's 1,024), which made a fresh silo's first request wait
/// seconds. Once workloads exist, a restarted silo reads them back as before. Its own silo on its own SQLite file, so
/// that no other test has activated a shard.
/// </summary>
public sealed class FreshStoreTests : OwnSqliteCluster<FreshStoreTests>
{
    [Fact]
    public async Task EmptyStore_ActivatesNoShard_AndWorkloadsWrittenLater_SurviveARestart()
    {
        Assert.Empty(await Grains.GetGrain<IWorkloadIndexGrain>(GrainKeys.Cluster).GetAllAsync());
        Assert.False(await Grains.GetGrain<IIdentityAllocatorGrain>(GrainKeys.Cluster).AnyInUseAsync());
        Assert.Equal(0, await ShardActivationsAsync());

        foreach (var i in Enumerable.Range(0, 3))
            await Grains.GetGrain<IWorkloadGrain>($"w{i}").SetAsync(PolicyFanoutTests.Workload($"w{i}", "n1", $"198.18.9.{i + 1}", $"a{i % 2}"));
        Assert.True(await Grains.GetGrain<IIdentityAllocatorGrain>(GrainKeys.Cluster).AnyInUseAsync());

        await Cluster.RestartSiloAsync((InProcessSiloHandle)Cluster.Primary!);
        var index = await Cluster.Client.GetGrain<IWorkloadIndexGrain>(GrainKeys.Cluster).GetAllAsync();
        Assert.Equal(["w0", "w1", "w2"], index.Select(w => w.Spec.Id));
        var identities = await Cluster.Client.GetGrain<IIdentityAllocatorGrain>(GrainKeys.Cluster).GetAllAsync();
        Assert.Equal(3, identities.Sum(i => i.Holders.Count));
    }

    private async Task<int> ShardActivationsAsync()
    {
        var stats = await Grains.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
        return stats.Where(s => s.GrainType.Contains("ShardGrain", StringComparison.Ordinal)).Sum(s => s.ActivationCount);
    }
}
