using Microsoft.Extensions.Options;

namespace MicroSeg.Runtime.Hosting;

/// <summary>Where a cluster keeps its membership (Orleans <c>ClusterOptions</c> + AdoNet clustering options). Section "MicroSeg:Clustering".</summary>
public sealed class PostgresClusteringOptions
{
    /// <summary>Npgsql connection string of the cluster database, e.g. <c>Host=db;Username=microseg;Password=…;Database=microseg</c>. Required.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>Name of the cluster; silos and clients with the same id form one cluster in one database. Default "microseg".</summary>
    public string ClusterId { get; set; } = "microseg";
}

/// <summary>Heartbeats and failure detection (Orleans <c>ClusterMembershipOptions</c>). Section "MicroSeg:Membership".</summary>
public sealed class ClusterMembershipOptions
{
    /// <summary>How often a silo writes its heartbeat to the table. Default 2 s.</summary>
    public TimeSpan HeartbeatPeriod { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// A member whose last heartbeat (by the database clock) is older than this is declared Dead by any live
    /// member. Must be at least twice <see cref="HeartbeatPeriod"/>. Default 10 s.
    /// </summary>
    public TimeSpan DeathTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often a silo reads the table (and looks for dead members). Default 1 s.</summary>
    public TimeSpan TableRefreshPeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a silo-to-silo connection attempt may take. Default 5 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a silo waits for its peers to acknowledge a membership change it gossips (they re-read the table,
    /// and for a joining silo hand over the grains it now owns). A joining silo serves grains and clients only
    /// after every peer it knows answered or this passed; a timeout is logged. Default 10 s.
    /// </summary>
    public TimeSpan GossipTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>Options of a PostgreSQL grain storage provider.</summary>
public sealed class PostgresGrainStorageOptions
{
    /// <summary>Npgsql connection string; the schema (deploy/sql) is created if missing. Required.</summary>
    public string ConnectionString { get; set; } = "";
}

internal sealed class ClusterOptionsValidator : IValidateOptions<PostgresClusteringOptions>, IValidateOptions<ClusterMembershipOptions>
{
    public ValidateOptionsResult Validate(string? name, PostgresClusteringOptions options) => OptionErrors.Result(
        string.IsNullOrWhiteSpace(options.ConnectionString) ? "PostgresClusteringOptions.ConnectionString is empty; set it to the cluster database, e.g. Host=…;Database=microseg." : null,
        string.IsNullOrWhiteSpace(options.ClusterId) ? "PostgresClusteringOptions.ClusterId is empty; set a cluster name such as \"microseg\"." : null);

    public ValidateOptionsResult Validate(string? name, ClusterMembershipOptions options) => OptionErrors.Result(
        OptionErrors.Positive(options.HeartbeatPeriod, "ClusterMembershipOptions.HeartbeatPeriod"),
        OptionErrors.Positive(options.TableRefreshPeriod, "ClusterMembershipOptions.TableRefreshPeriod"),
        OptionErrors.Positive(options.ConnectTimeout, "ClusterMembershipOptions.ConnectTimeout"),
        OptionErrors.Positive(options.GossipTimeout, "ClusterMembershipOptions.GossipTimeout"),
        options.DeathTimeout < options.HeartbeatPeriod * 2
            ? $"ClusterMembershipOptions.DeathTimeout ({options.DeathTimeout}) must be at least twice HeartbeatPeriod ({options.HeartbeatPeriod})."
            : null);
}
