using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

namespace MicroSeg.Silo.Storage;

/// <summary>
/// Settings of the SQLite grain storage and reminder table. One database file may be shared by several
/// providers and the reminder table: within a process they then share one writer connection.
/// </summary>
public sealed class SqliteStorageOptions : IStorageProviderSerializerOptions
{
    /// <summary>The default of <see cref="BusyTimeout"/>: 30 seconds.</summary>
    public static readonly TimeSpan DefaultBusyTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The default of <see cref="MaxWriteBatchSize"/>: 256.</summary>
    public const int DefaultMaxWriteBatchSize = 256;

    /// <summary>The default of <see cref="WriterPageCacheKiB"/>: 64 MiB.</summary>
    public const int DefaultWriterPageCacheKiB = 64 * 1024;

    /// <summary>
    /// Path of the database file. Required; no default. A relative path is resolved against the current directory,
    /// and a missing directory is created at start.
    /// </summary>
    public string DatabasePath { get; set; } = string.Empty;

    /// <summary>
    /// How long a statement waits for a lock held by another connection (for example another process on the same
    /// file) before failing with SQLITE_BUSY. Default: <see cref="DefaultBusyTimeout"/> (30 seconds).
    /// </summary>
    public TimeSpan BusyTimeout { get; set; } = DefaultBusyTimeout;

    /// <summary>
    /// Most writes committed together in one transaction (one fsync) when many are queued at once.
    /// Default: <see cref="DefaultMaxWriteBatchSize"/> (256). 1 disables group commit.
    /// </summary>
    public int MaxWriteBatchSize { get; set; } = DefaultMaxWriteBatchSize;

    /// <summary>
    /// Most memory, in KiB, the writer connection keeps of the file's pages (SQLite's <c>cache_size</c>). SQLite's own
    /// default, 2 MiB, holds a small fraction of a 50,000-workload cluster's state: every write then read the pages of
    /// its row's path from the operating system again. Default: <see cref="DefaultWriterPageCacheKiB"/> (64 MiB).
    /// </summary>
    public int WriterPageCacheKiB { get; set; } = DefaultWriterPageCacheKiB;

    /// <summary>
    /// Silo lifecycle stage at which grain storage opens the database and creates its table.
    /// Default: <see cref="ServiceLifecycleStage.ApplicationServices"/>. Not used by the reminder table,
    /// which Orleans' reminder service starts itself.
    /// </summary>
    public int InitStage { get; set; } = ServiceLifecycleStage.ApplicationServices;

    /// <summary>
    /// Serializer of grain state. Default: unset, in which case Orleans fills it at options post-configuration with
    /// the <see cref="IGrainStorageSerializer"/> keyed by the provider's name, else the silo-wide one.
    /// Not used by the reminder table.
    /// </summary>
    public IGrainStorageSerializer GrainStorageSerializer { get; set; } = null!;
}

/// <summary>Fails silo start on settings that cannot work, naming the setting.</summary>
internal sealed class SqliteStorageOptionsValidator(SqliteStorageOptions options, string name) : IConfigurationValidator
{
    public void ValidateConfiguration()
    {
        if (string.IsNullOrWhiteSpace(options.DatabasePath))
        {
            throw Invalid($"{nameof(SqliteStorageOptions.DatabasePath)} is required");
        }

        // Private in-memory databases cannot be shared by a writer and pooled readers.
        if (options.DatabasePath.Trim() == ":memory:" || options.DatabasePath.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            throw Invalid($"{nameof(SqliteStorageOptions.DatabasePath)} must be a file path, not '{options.DatabasePath}'");
        }

        if (options.BusyTimeout <= TimeSpan.Zero || options.BusyTimeout.TotalMilliseconds > int.MaxValue)
        {
            throw Invalid($"{nameof(SqliteStorageOptions.BusyTimeout)} must be positive and at most {int.MaxValue} ms, not {options.BusyTimeout}");
        }

        if (options.MaxWriteBatchSize < 1)
        {
            throw Invalid($"{nameof(SqliteStorageOptions.MaxWriteBatchSize)} must be at least 1, not {options.MaxWriteBatchSize}");
        }

        if (options.WriterPageCacheKiB < 1)
        {
            throw Invalid($"{nameof(SqliteStorageOptions.WriterPageCacheKiB)} must be at least 1, not {options.WriterPageCacheKiB}");
        }
    }

    private OrleansConfigurationException Invalid(string message) =>
        new($"Configuration of SQLite provider '{name}' is invalid: {nameof(SqliteStorageOptions)}.{message}.");
}
