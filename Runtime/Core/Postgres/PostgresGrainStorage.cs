using System.Globalization;
using MicroSeg.Runtime.Storage;
using Npgsql;
using NpgsqlTypes;

namespace MicroSeg.Runtime.Postgres;

/// <summary>
/// Grain storage in PostgreSQL (Orleans <c>AdoNetGrainStorage</c>): table microseg_grain_state, payload as
/// jsonb, a bigint version as ETag. Writes are conditional on the version (one statement each), so two
/// activations of one grain during a membership change cannot both win. Same semantics as SQLite.
/// </summary>
internal sealed class PostgresGrainStorage(PostgresDatabase database) : IGrainStorage
{
    public async Task<GrainStateRecord?> ReadAsync(string grainType, string key, string stateName)
    {
        await database.EnsureSchemaAsync().ConfigureAwait(false);
        await using var command = Command(grainType, key, stateName,
            "SELECT payload::text, version FROM microseg_grain_state WHERE grain_type = @type AND grain_key = @key AND state_name = @name");
        return await ReadAsync(command).ConfigureAwait(false);
    }

    public async Task<string> WriteAsync(string grainType, string key, string stateName, string payload, string? etag)
    {
        await database.EnsureSchemaAsync().ConfigureAwait(false);
        var version = etag is null ? 0 : ParseOrConflict(grainType, key, stateName, etag);
        await using var command = Command(grainType, key, stateName, etag is null
            ? "INSERT INTO microseg_grain_state (grain_type, grain_key, state_name, payload, version) VALUES (@type, @key, @name, @payload, 1) ON CONFLICT DO NOTHING"
            : "UPDATE microseg_grain_state SET payload = @payload, version = version + 1, modified_utc = now() WHERE grain_type = @type AND grain_key = @key AND state_name = @name AND version = @version");
        command.Parameters.Add(new NpgsqlParameter("payload", NpgsqlDbType.Jsonb) { Value = payload });
        command.Parameters.AddWithValue("version", version);
        if (await command.ExecuteNonQueryAsync().ConfigureAwait(false) == 0)
            throw await ConflictAsync(grainType, key, stateName, etag).ConfigureAwait(false);
        return Format(version + 1);
    }

    public async Task<string?> ClearAsync(string grainType, string key, string stateName, string? etag)
    {
        if (etag is null)
        {
            var stored = await ReadAsync(grainType, key, stateName).ConfigureAwait(false);
            return stored is null ? null : throw GrainStorageNames.Conflict(grainType, key, stateName, stored.Etag, etag);
        }

        await database.EnsureSchemaAsync().ConfigureAwait(false);
        var version = ParseOrConflict(grainType, key, stateName, etag);
        await using var command = Command(grainType, key, stateName,
            "UPDATE microseg_grain_state SET payload = NULL, version = version + 1, modified_utc = now() WHERE grain_type = @type AND grain_key = @key AND state_name = @name AND version = @version");
        command.Parameters.AddWithValue("version", version);
        if (await command.ExecuteNonQueryAsync().ConfigureAwait(false) == 0)
            throw await ConflictAsync(grainType, key, stateName, etag).ConfigureAwait(false);
        return Format(version + 1);
    }

    private async Task<InconsistentStateException> ConflictAsync(string grainType, string key, string stateName, string? etag) =>
        GrainStorageNames.Conflict(grainType, key, stateName, (await ReadAsync(grainType, key, stateName).ConfigureAwait(false))?.Etag, etag);

    private static async Task<GrainStateRecord?> ReadAsync(NpgsqlCommand command)
    {
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        if (!await reader.ReadAsync().ConfigureAwait(false))
            return null;
        return new GrainStateRecord(reader.IsDBNull(0) ? null : reader.GetString(0), Format(reader.GetInt64(1)));
    }

    private NpgsqlCommand Command(string grainType, string key, string stateName, string sql)
    {
        var command = database.DataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("type", grainType);
        command.Parameters.AddWithValue("key", key);
        command.Parameters.AddWithValue("name", stateName);
        return command;
    }

    private static long ParseOrConflict(string grainType, string key, string stateName, string etag) =>
        long.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            ? version
            : throw GrainStorageNames.Conflict(grainType, key, stateName, null, etag);

    private static string Format(long version) => version.ToString(CultureInfo.InvariantCulture);
}
