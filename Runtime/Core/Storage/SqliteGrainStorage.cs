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

    private readonly SqliteStore _store = new(options.DatabasePath, options.BusyTimeout, Schema);

    public Task<GrainStateRecord?> ReadAsync(string grainType, string key, string stateName) =>
        _store.RunAsync(connection => Read(connection, grainType, key, stateName));

    public Task<string> WriteAsync(string grainType, string key, string stateName, string payload, string? etag) =>
        _store.RunAsync(connection =>
        {
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
        });

    public Task<string?> ClearAsync(string grainType, string key, string stateName, string? etag) =>
        _store.RunAsync(connection =>
        {
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
            return (string?)Format(version + 1);
        });

    public void Dispose() => _store.Dispose();

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
