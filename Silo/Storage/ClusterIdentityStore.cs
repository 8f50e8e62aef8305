using MicroSeg.Grains.Nodes;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace MicroSeg.Silo.Storage;

/// <summary>
/// Reads the store's <see cref="ClusterIdentity"/>, creating it with the store: a new SQLite file gets one at
/// its first open, a PostgreSQL database with the schema (deploy/sql/postgresql/50-cluster-identity.sql).
/// Either way the row is created by one atomic statement that keeps a row already there, so silos starting
/// together on one store agree.
/// </summary>
internal static class ClusterIdentityStore
{
    /// <summary>Opens (or creates) the SQLite file and returns its identity, creating it on first use.</summary>
    public static ClusterIdentity ReadOrCreateSqlite(string databasePath)
    {
        if (Path.GetDirectoryName(Path.GetFullPath(databasePath)) is { Length: > 0 } directory)
            Directory.CreateDirectory(directory);
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString();
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        // WAL as the storage providers use it; FULL so the identity is on disk before any state is written
        // under it. The insert keeps the first row whoever runs it (a second process on the same file included).
        command.CommandText = """
            PRAGMA journal_mode=WAL;
            PRAGMA synchronous=FULL;
            CREATE TABLE IF NOT EXISTS microseg_cluster (
                singleton        INTEGER PRIMARY KEY CHECK (singleton = 1),
                cluster_identity TEXT    NOT NULL,
                created_utc      TEXT    NOT NULL);
            INSERT OR IGNORE INTO microseg_cluster (singleton, cluster_identity, created_utc) VALUES (1, $identity, $created);
            """;
        command.Parameters.AddWithValue("$identity", Guid.NewGuid().ToString("D"));
        command.Parameters.AddWithValue("$created", DateTimeOffset.UtcNow.ToString("O"));
        command.ExecuteNonQuery();
        using var read = connection.CreateCommand();
        read.CommandText = "SELECT cluster_identity FROM microseg_cluster WHERE singleton = 1";
        return Parse(read.ExecuteScalar(), databasePath);
    }

    /// <summary>Reads the identity of a PostgreSQL database whose schema <see cref="PostgresSchema"/> applied.</summary>
    /// <exception cref="InvalidOperationException">The database cannot be reached or has no identity row.</exception>
    public static async Task<ClusterIdentity> ReadPostgresAsync(string connectionString, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT ClusterIdentity FROM MicroSegCluster WHERE Singleton", connection);
            return Parse(await command.ExecuteScalarAsync(cancellationToken), $"PostgreSQL database '{connection.Database}'");
        }
        catch (NpgsqlException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new InvalidOperationException($"Cannot read the cluster identity (table MicroSegCluster) from PostgreSQL: {e.Message}", e);
        }
    }

    private static ClusterIdentity Parse(object? value, string store) => value switch
    {
        Guid guid when guid != Guid.Empty => new ClusterIdentity(guid),
        string text when Guid.TryParse(text, out var guid) && guid != Guid.Empty => new ClusterIdentity(guid),
        _ => throw new InvalidOperationException($"{store} holds no valid cluster identity (found '{value}').")
    };
}
