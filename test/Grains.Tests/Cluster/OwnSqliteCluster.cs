using Orleans.TestingHost;

namespace MicroSeg.Grains.Tests.Cluster;

/// <summary>
/// A cluster of in-process silos whose grain state and reminders live in one SQLite file of its own (as the embedded
/// silo's do), so state outlives a killed or restarted silo. As a test class's base it is started for each test, for
/// tests that must see what no other test has activated or stored (the shared <see cref="ClusterFixture"/> has both);
/// as a fixture, once for its collection.
/// </summary>
/// <typeparam name="TSelf">The deriving class; each has its own file.</typeparam>
public abstract class OwnSqliteCluster<TSelf> : IAsyncLifetime
    where TSelf : OwnSqliteCluster<TSelf>
{
    private static readonly DirectoryInfo Data = Directory.CreateTempSubdirectory($"microseg-{typeof(TSelf).Name}-");

    protected OwnSqliteCluster(short silos = 1) =>
        Cluster = new TestClusterBuilder(silos).AddSiloBuilderConfigurator<SiloConfigurator>().Build();

    public TestCluster Cluster { get; }

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
