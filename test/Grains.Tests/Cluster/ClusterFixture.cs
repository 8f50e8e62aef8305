using MicroSeg.Grains.Nodes;
using MicroSeg.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;

namespace MicroSeg.Grains.Tests.Cluster;

/// <summary>
/// Two in-process Orleans silos (Microsoft.Orleans.TestingHost) with the product's streams and
/// membership settings and memory grain storage, shared by the tests of one collection.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public TestCluster Cluster { get; } = new TestClusterBuilder(initialSilosCount: 2)
        .AddSiloBuilderConfigurator<SiloConfigurator>()
        .Build();

    public IGrainFactory Grains => Cluster.GrainFactory;

    /// <summary>
    /// The clock node grains read on every silo of the fixture (Orleans' own timers keep real time). Static
    /// because TestingHost builds configurators itself; one fixture per test process.
    /// </summary>
    public static FakeTimeProvider NodeClock { get; } = new(DateTimeOffset.UtcNow);

    public Task InitializeAsync() => Cluster.DeployAsync();

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            silo.AddMemoryGrainStorageAsDefault();
            silo.Services.AddKeyedSingleton<TimeProvider>(NodeGrain.ClockKey, NodeClock);
            SiloConfiguration.AddMemoryFanout(silo);
            // Policy batches register a reminder (the production silo keeps them in SQLite or PostgreSQL).
            silo.UseInMemoryReminderService();
            SiloConfiguration.ConfigureShared(silo);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
