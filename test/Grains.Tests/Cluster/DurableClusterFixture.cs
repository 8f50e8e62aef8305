using MicroSeg.Silo.Hosting;
using MicroSeg.Silo.Storage;
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

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            var database = Path.Combine(Data.FullName, "microseg.db");
            silo.AddSqliteGrainStorageAsDefault(o => o.DatabasePath = database);
            silo.UseSqliteReminderService(o => o.DatabasePath = database);
            SiloConfiguration.AddMemoryFanout(silo);
            SiloConfiguration.ConfigureShared(silo);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class DurableClusterCollection : ICollectionFixture<DurableClusterFixture>
{
    public const string Name = "durable-cluster";
}
