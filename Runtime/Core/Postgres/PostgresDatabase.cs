using System.Collections.Concurrent;
using Npgsql;

namespace MicroSeg.Runtime.Postgres;

/// <summary>
/// One PostgreSQL database used by the silo or client: a pooled <see cref="NpgsqlDataSource"/> and the
/// runtime schema (deploy/sql/*.sql, embedded), applied once per process under an advisory lock so that
/// silos starting together do not race on CREATE ... IF NOT EXISTS.
/// </summary>
internal sealed class PostgresDatabase : IAsyncDisposable
{
    // Any constant: serializes schema application across processes.
    private const long SchemaLockKey = 0x4d6963726f536567;
    private readonly object _lock = new();
    private Task? _schema;

    public PostgresDatabase(string connectionString)
    {
        DataSource = NpgsqlDataSource.Create(connectionString);
    }

    public NpgsqlDataSource DataSource { get; }

    /// <summary>Applies the schema (once); later callers await the same attempt, a failed attempt is retried.</summary>
    public Task EnsureSchemaAsync()
    {
        lock (_lock)
        {
            if (_schema is null || _schema.IsFaulted || _schema.IsCanceled)
                _schema = ApplySchemaAsync();
            return _schema;
        }
    }

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();

    public static IEnumerable<(string Name, string Sql)> SchemaScripts()
    {
        var assembly = typeof(PostgresDatabase).Assembly;
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith("MicroSeg.Runtime.Sql.", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            yield return (name, reader.ReadToEnd());
        }
    }

    private async Task ApplySchemaAsync()
    {
        await using var connection = await DataSource.OpenConnectionAsync().ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
        await using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
        {
            command.Parameters.AddWithValue("key", SchemaLockKey);
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        foreach (var (_, sql) in SchemaScripts())
        {
            await using var command = new NpgsqlCommand(sql, connection, transaction);
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        await transaction.CommitAsync().ConfigureAwait(false);
    }
}

/// <summary>The process's <see cref="PostgresDatabase"/>s, one per connection string, disposed with the host.</summary>
internal sealed class PostgresDatabases : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<PostgresDatabase>> _databases = new(StringComparer.Ordinal);

    public PostgresDatabase Get(string connectionString) =>
        _databases.GetOrAdd(connectionString, static c => new Lazy<PostgresDatabase>(() => new PostgresDatabase(c))).Value;

    public async ValueTask DisposeAsync()
    {
        foreach (var database in _databases.Values.Where(d => d.IsValueCreated))
            await database.Value.DisposeAsync().ConfigureAwait(false);
        _databases.Clear();
    }
}
