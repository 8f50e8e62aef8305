using MicroSeg.Silo.Hosting;
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
