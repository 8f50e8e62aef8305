namespace MicroSeg.Grains.Tests.Cluster;

/// <summary>
/// Two in-process silos whose grain state and reminders live in one SQLite file (as the embedded silo's do),
/// so state outlives a killed silo; memory storage would die with the silo that hosts it.
/// </summary>
public sealed class DurableClusterFixture() : OwnSqliteCluster<DurableClusterFixture>(silos: 2);

[CollectionDefinition(Name)]
public sealed class DurableClusterCollection : ICollectionFixture<DurableClusterFixture>
{
    public const string Name = "durable-cluster";
}
