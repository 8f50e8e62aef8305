using Microsoft.Extensions.Options;

namespace MicroSeg.Runtime.Hosting;

/// <summary>Delivery settings of one stream provider (Orleans <c>StreamPullingAgentOptions</c> + queue count). Named options, by provider name.</summary>
public sealed class StreamOptions
{
    /// <summary>
    /// Partitions of the provider's log. Each partition has one pulling agent, on the silo that owns it on the hash
    /// ring; every silo of a cluster must use the same value. Default 8.
    /// </summary>
    public int PartitionCount { get; set; } = 8;

    /// <summary>How often a pulling agent looks for new events (a local publish wakes it at once). Default 100 ms.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Most events handed to a consumer in one delivery (one grain turn, one checkpoint write). Default 100.</summary>
    public int MaxBatchSize { get; set; } = 100;

    /// <summary>Most streams one agent delivers at the same time. Default 16.</summary>
    public int MaxConcurrentStreams { get; set; } = 16;

    /// <summary>
    /// How often the silo deletes, in the partitions it owns, the events every consumer of their stream has
    /// acknowledged (at or below the lowest checkpoint). Default 60 s.
    /// </summary>
    public TimeSpan TrimInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Retention cap: at each trim, events more than this many below their stream's head are deleted even when a
    /// consumer has not acknowledged them (that consumer then skips them; logged). Null (default): no cap, events
    /// stay until every consumer acknowledged them.
    /// </summary>
    public long? MaxRetainedEvents { get; set; }
}

/// <summary>Options of a SQLite stream log (embedded single silo).</summary>
public sealed class SqliteStreamOptions
{
    /// <summary>Path of the database file (may be the grain storage file); directory and schema are created if missing. Required.</summary>
    public string DatabasePath { get; set; } = "";

    /// <summary>How long an operation waits for a lock held by another connection. Default 5 s.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>Options of a PostgreSQL stream log (cluster).</summary>
public sealed class PostgresStreamOptions
{
    /// <summary>Npgsql connection string; the schema (deploy/sql) is created if missing. Required.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>Scope of the log in a shared database; null (default) uses the cluster id of UsePostgresClustering, else "microseg".</summary>
    public string? ClusterId { get; set; }
}

internal sealed class StreamOptionsValidator : IValidateOptions<StreamOptions>
{
    public ValidateOptionsResult Validate(string? name, StreamOptions options) => OptionErrors.Result(
        options.PartitionCount is < 1 or > 1024 ? $"StreamOptions.PartitionCount of stream provider '{name}' must be 1..1024 (was {options.PartitionCount})." : null,
        OptionErrors.Positive(options.PollInterval, $"StreamOptions.PollInterval of stream provider '{name}'"),
        options.MaxBatchSize < 1 ? $"StreamOptions.MaxBatchSize of stream provider '{name}' must be at least 1." : null,
        options.MaxConcurrentStreams < 1 ? $"StreamOptions.MaxConcurrentStreams of stream provider '{name}' must be at least 1." : null,
        OptionErrors.Positive(options.TrimInterval, $"StreamOptions.TrimInterval of stream provider '{name}'"),
        options.MaxRetainedEvents < 1 ? $"StreamOptions.MaxRetainedEvents of stream provider '{name}' must be at least 1, or null for no cap (was {options.MaxRetainedEvents})." : null);
}
