using System.Globalization;
using MicroSeg.Runtime.Hosting;
using Microsoft.Data.Sqlite;

namespace MicroSeg.Runtime.Storage;

/// <summary>
/// Grain storage in one SQLite file (WAL, busy timeout): table grain_state keyed by grain type, key and
/// state name, with an integer version as ETag. Cleared records keep their version so stale writers conflict.
/// </summary>
internal sealed class SqliteGrainStorage(SqliteGrainStorageOptions options) : IGrainStorage, IDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS grain_state (
            grain_type   TEXT NOT NULL,
            grain_key    TEXT NOT NULL,
            state_name   TEXT NOT NULL,
            payload      TEXT NULL,
            version      INTEGER NOT NULL,
            modified_utc TEXT NOT NULL,
            PRIMARY KEY (grain_type, grain_key, state_name)
        ) WITHOUT ROWID;
        """;

    private static readonly Lazy<bool> s_batteries = new(() =>
    {
        SQLitePCL.Batteries.Init();
        return true;
    });

    private readonly SemaphoreSlim _gate = new(1, 1);
    private SqliteConnection? _connection;
    private bool _disposed;

    public async Task<GrainStateRecord?> ReadAsync(string grainType, string key, string stateName)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            return Read(Connection(), grainType, key, stateName);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<string> WriteAsync(string grainType, string key, string stateName, string payload, string? etag)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            var connection = Connection();
            using var command = Command(connection, grainType, key, stateName, etag is null
                ? "INSERT INTO grain_state VALUES ($type, $key, $name, $payload, 1, $now) ON CONFLICT DO NOTHING"
                : "UPDATE grain_state SET payload = $payload, version = version + 1, modified_utc = $now WHERE grain_type = $type AND grain_key = $key AND state_name = $name AND version = $version");
            command.Parameters.AddWithValue("$payload", payload);
            command.Parameters.AddWithValue("$now", DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture));
            var version = etag is null ? 0 : ParseOrConflict(grainType, key, stateName, etag);
            command.Parameters.AddWithValue("$version", version);
            if (command.ExecuteNonQuery() == 0)
                throw GrainStorageNames.Conflict(grainType, key, stateName, Read(connection, grainType, key, stateName)?.Etag, etag);
            return Format(version + 1);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<string?> ClearAsync(string grainType, string key, string stateName, string? etag)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            var connection = Connection();
            if (etag is null)
            {
                var stored = Read(connection, grainType, key, stateName);
                return stored is null ? null : throw GrainStorageNames.Conflict(grainType, key, stateName, stored.Etag, etag);
            }

            var version = ParseOrConflict(grainType, key, stateName, etag);
            using var command = Command(connection, grainType, key, stateName,
                "UPDATE grain_state SET payload = NULL, version = version + 1, modified_utc = $now WHERE grain_type = $type AND grain_key = $key AND state_name = $name AND version = $version");
            command.Parameters.AddWithValue("$now", DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture));
            command.Parameters.AddWithValue("$version", version);
            if (command.ExecuteNonQuery() == 0)
                throw GrainStorageNames.Conflict(grainType, key, stateName, Read(connection, grainType, key, stateName)?.Etag, etag);
            return Format(version + 1);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        _gate.Wait();
        try
        {
            _disposed = true;
            _connection?.Dispose();
            _connection = null;
        }
        finally
        {
            _gate.Release();
        }
    }

    private SqliteConnection Connection()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_connection is not null)
            return _connection;
        _ = s_batteries.Value;
        var path = Path.GetFullPath(options.DatabasePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds),
        }.ToString());
        connection.Open();
        using (var setup = connection.CreateCommand())
        {
            setup.CommandText = $"PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout={(long)options.BusyTimeout.TotalMilliseconds}; {Schema}";
            setup.ExecuteNonQuery();
        }

        return _connection = connection;
    }

    private static GrainStateRecord? Read(SqliteConnection connection, string grainType, string key, string stateName)
    {
        using var command = Command(connection, grainType, key, stateName,
            "SELECT payload, version FROM grain_state WHERE grain_type = $type AND grain_key = $key AND state_name = $name");
        using var reader = command.ExecuteReader();
        if (!reader.Read())
            return null;
        return new GrainStateRecord(reader.IsDBNull(0) ? null : reader.GetString(0), Format(reader.GetInt64(1)));
    }

    private static SqliteCommand Command(SqliteConnection connection, string grainType, string key, string stateName, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$type", grainType);
        command.Parameters.AddWithValue("$key", key);
        command.Parameters.AddWithValue("$name", stateName);
        return command;
    }

    private static long ParseOrConflict(string grainType, string key, string stateName, string etag) =>
        long.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            ? version
            : throw GrainStorageNames.Conflict(grainType, key, stateName, null, etag);

    private static string Format(long version) => version.ToString(CultureInfo.InvariantCulture);
}
