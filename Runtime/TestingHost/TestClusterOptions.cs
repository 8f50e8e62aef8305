namespace MicroSeg.Runtime.TestingHost;

/// <summary>
/// What a <see cref="TestCluster"/> starts (Orleans <c>TestClusterOptions</c>). The silos use short membership
/// timings so that failures are noticed within seconds: heartbeat and table refresh every 100 ms, a silo dead
/// after <see cref="DefaultDeathTimeout"/> without heartbeat, silo connections and gossip answered within 2 s,
/// and grain calls answered within 10 s. Override any of them with
/// <see cref="TestClusterBuilder.ConfigureSilo"/> (e.g. <c>ConfigureMembership</c>).
/// </summary>
public sealed class TestClusterOptions
{
    /// <summary>How long a killed silo takes to be declared dead by the others, unless configured otherwise: 3 s.</summary>
    public static readonly TimeSpan DefaultDeathTimeout = TimeSpan.FromSeconds(3);

    /// <summary>Npgsql connection string of the database holding membership and grain state. Required.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>The cluster's id in the membership table. Default: a new "test-…" id, so clusters can share one database.</summary>
    public string ClusterId { get; set; } = $"test-{Guid.NewGuid():N}";

    /// <summary>Silos started by <see cref="TestCluster.DeployAsync"/>. Default 2, as in Orleans.</summary>
    public int InitialSilosCount { get; set; } = 2;

    /// <summary>Whether <see cref="TestCluster.DeployAsync"/> also starts <see cref="TestCluster.Client"/>. Default true.</summary>
    public bool CreateClient { get; set; } = true;

    /// <summary>Whether each silo's default grain storage is PostgreSQL (the same database). Default true.</summary>
    public bool UsePostgresGrainStorageAsDefault { get; set; } = true;
}
