using Orleans.TestingHost;

namespace MicroSeg.Grains.Tests.Cluster;

/// <summary>
/// Two in-process silos whose grain state and reminders live in one SQLite file (as the embedded silo's do),
/// so state outlives a killed silo; memory storage would die with the silo that hosts it.
/// </summary>
public sealed class DurableClusterFixture : IAsyncLifetime
{
    private static readonly DirectoryInfo Data = Directory.CreateTempSubdirectory("microseg-durable-");

    public TestCluster Cluster { get; } = new TestClusterBuilder(initialSilosCount: 2)
        .AddSiloBuilderConfigurator<SiloConfigurator>()
        .Build();

    public IGrainFactory Grains => Cluster.GrainFactory;

    public Task InitializeAsync() => Cluster.DeployAsync();

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        Data.Delete(recursive: true);
    }

    private sealed class SiloConfigurator : SqliteSiloConfigurator
    {
        protected override string Database => Path.Combine(Data.FullName, "microseg.db");
    }
}

[CollectionDefinition(Name)]
public sealed class DurableClusterCollection : ICollectionFixture<DurableClusterFixture>
{
    public const string Name = "durable-cluster";
}
