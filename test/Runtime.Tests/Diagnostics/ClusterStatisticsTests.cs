using MicroSeg.Runtime.Diagnostics;
using MicroSeg.Runtime.Tests.Infrastructure;
using MicroSeg.Runtime.Tests.TestGrains;
using Microsoft.Extensions.DependencyInjection;

namespace MicroSeg.Runtime.Tests.Diagnostics;

[Collection(PostgresCollection.Name)]
public sealed class ClusterStatisticsTests(PostgresFixture postgres)
{
    [Fact]
    public async Task GetClusterStatisticsAsync_TwoSilos_EverySiloWithItsFiguresAndClusterTotals()
    {
        await using var cluster = await postgres.StartClusterAsync(silos: 2, client: false);
        var keys = Enumerable.Range(0, 20).Select(_ => Wait.NewKey()).ToList();
        await Task.WhenAll(keys.Select(k => cluster.Silos[0].Grains.GetGrain<IStateGrain>(k).AddAsync(1)));

        var statistics = await cluster.Silos[1].Services.GetRequiredService<IRuntimeStatistics>().GetClusterStatisticsAsync();

        Assert.Equal(2, statistics.Silos.Count);
        Assert.All(statistics.Silos, s =>
        {
            Assert.Null(s.Error);
            Assert.Equal("Active", s.Status);
        });
        Assert.Equal(cluster.Silos.Select(s => s.ToString()).Order(StringComparer.Ordinal), statistics.Silos.Select(s => s.Address));
        Assert.All(statistics.Silos, s => Assert.Contains(s.GrainTypes, t => t.GrainType == "state" && t.Activations > 0));
        Assert.Equal(20, Assert.Single(statistics.GrainTypes, t => t.GrainType == "state").Activations);
        Assert.Equal(20, statistics.Methods.Where(m => m.GrainType == "state").Sum(m => m.Calls));
    }

    [Fact]
    public async Task GetClusterStatisticsAsync_SiloKilled_ListedWithErrorUntilDeclaredDead()
    {
        await using var cluster = await postgres.StartClusterAsync(silos: 2, client: false);
        var victim = cluster.Silos[1];
        var survivor = cluster.Silos[0].Services.GetRequiredService<IRuntimeStatistics>();
        await cluster.KillSiloAsync(victim);

        var statistics = await survivor.GetClusterStatisticsAsync();

        Assert.Contains(statistics.Silos, s => s.Error is null);
        if (statistics.Silos.Count == 2)
            Assert.NotNull(Assert.Single(statistics.Silos, s => s.Address == victim.ToString()).Error);
        await Wait.UntilAsync(async () => (await survivor.GetClusterStatisticsAsync()).Silos.Count == 1, "the killed silo leaves the table's live members");
    }
}
