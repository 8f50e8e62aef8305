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
public sealed class FreshStoreTests : IAsyncLifetime
{
    private static readonly DirectoryInfo Data = Directory.CreateTempSubdirectory("microseg-fresh-");

    private readonly TestCluster _cluster = new TestClusterBuilder(initialSilosCount: 1).AddSiloBuilderConfigurator<SiloConfigurator>().Build();

    public Task InitializeAsync() => _cluster.DeployAsync();

    public async Task DisposeAsync()
    {
        await _cluster.StopAllSilosAsync();
        await _cluster.DisposeAsync();
        Data.Delete(recursive: true);
    }

    [Fact]
    public async Task EmptyStore_ActivatesNoShard_AndWorkloadsWrittenLater_SurviveARestart()
    {
        Assert.Empty(await _cluster.GrainFactory.GetGrain<IWorkloadIndexGrain>(GrainKeys.Cluster).GetAllAsync());
        Assert.False(await _cluster.GrainFactory.GetGrain<IIdentityAllocatorGrain>(GrainKeys.Cluster).AnyInUseAsync());
        Assert.Equal(0, await ShardActivationsAsync());

        foreach (var i in Enumerable.Range(0, 3))
            await _cluster.GrainFactory.GetGrain<IWorkloadGrain>($"w{i}").SetAsync(PolicyFanoutTests.Workload($"w{i}", "n1", $"198.18.9.{i + 1}", $"a{i % 2}"));
        Assert.True(await _cluster.GrainFactory.GetGrain<IIdentityAllocatorGrain>(GrainKeys.Cluster).AnyInUseAsync());

        await _cluster.RestartSiloAsync((InProcessSiloHandle)_cluster.Primary!);
        var index = await _cluster.Client.GetGrain<IWorkloadIndexGrain>(GrainKeys.Cluster).GetAllAsync();
        Assert.Equal(["w0", "w1", "w2"], index.Select(w => w.Spec.Id));
        var identities = await _cluster.Client.GetGrain<IIdentityAllocatorGrain>(GrainKeys.Cluster).GetAllAsync();
        Assert.Equal(3, identities.Sum(i => i.Holders.Count));
    }

    private async Task<int> ShardActivationsAsync()
    {
        var stats = await _cluster.GrainFactory.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
        return stats.Where(s => s.GrainType.Contains("ShardGrain", StringComparison.Ordinal)).Sum(s => s.ActivationCount);
    }

    private sealed class SiloConfigurator : SqliteSiloConfigurator
    {
        protected override string Database => Path.Combine(Data.FullName, "microseg.db");
    }
}
