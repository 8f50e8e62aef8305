using MicroSeg.Runtime.Storage;
using MicroSeg.Runtime.Hosting;
using MicroSeg.Runtime.Postgres;
using MicroSeg.Runtime.Streams;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace MicroSeg.Runtime.Reminders;

/// <summary>Reminders in PostgreSQL (table microseg_reminders, deploy/sql/002), scoped by cluster id.</summary>
internal sealed class PostgresReminderTable(PostgresDatabase database, string scope) : IReminderTable
{
    private const string Columns = "grain_type, grain_key, reminder_name, start_utc, period, version";

    public Task<IReadOnlyList<ReminderEntry>> ReadAllAsync(CancellationToken cancellationToken) =>
        QueryAsync($"SELECT {Columns} FROM microseg_reminders WHERE scope = @scope", null, null, cancellationToken);

    public Task<IReadOnlyList<ReminderEntry>> ReadAsync(string grainType, string grainKey, CancellationToken cancellationToken) =>
        QueryAsync($"SELECT {Columns} FROM microseg_reminders WHERE scope = @scope AND grain_type = @type AND grain_key = @key", grainType, grainKey, cancellationToken);

    public async Task<ReminderEntry> UpsertAsync(ReminderEntry entry, CancellationToken cancellationToken)
    {
        await using var command = await CommandAsync("""
            INSERT INTO microseg_reminders (scope, grain_type, grain_key, reminder_name, start_utc, period, version) VALUES (@scope, @type, @key, @name, @start, @period, 1)
            ON CONFLICT (scope, grain_type, grain_key, reminder_name) DO UPDATE SET start_utc = EXCLUDED.start_utc, period = EXCLUDED.period, version = microseg_reminders.version + 1
            RETURNING version
            """, entry.GrainType, entry.GrainKey).ConfigureAwait(false);
        command.Parameters.AddWithValue("name", entry.Name);
        command.Parameters.AddWithValue("start", DateTime.SpecifyKind(entry.StartUtc, DateTimeKind.Utc));
        command.Parameters.AddWithValue("period", entry.Period);
        return entry with { Version = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! };
    }

    public async Task RemoveAsync(string grainType, string grainKey, string name, CancellationToken cancellationToken)
    {
        await using var command = await CommandAsync("DELETE FROM microseg_reminders WHERE scope = @scope AND grain_type = @type AND grain_key = @key AND reminder_name = @name",
            grainType, grainKey).ConfigureAwait(false);
        command.Parameters.AddWithValue("name", name);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<ReminderEntry>> QueryAsync(string sql, string? grainType, string? grainKey, CancellationToken cancellationToken)
    {
        await using var command = await CommandAsync(sql, grainType ?? "", grainKey ?? "").ConfigureAwait(false);
        var entries = new List<ReminderEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            entries.Add(new ReminderEntry(reader.GetString(0), reader.GetString(1), reader.GetString(2),
                DateTime.SpecifyKind(reader.GetDateTime(3), DateTimeKind.Utc), reader.GetFieldValue<TimeSpan>(4), reader.GetInt64(5)));
        }

        return entries;
    }

    private async Task<NpgsqlCommand> CommandAsync(string sql, string grainType, string grainKey)
    {
        await database.EnsureSchemaAsync().ConfigureAwait(false);
        var command = database.DataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("scope", scope);
        command.Parameters.AddWithValue("type", grainType);
        command.Parameters.AddWithValue("key", grainKey);
        return command;
    }
}

/// <summary>Reminders in a SQLite file (embedded single silo); times as UTC ticks.</summary>
internal sealed class SqliteReminderTable(SqliteReminderOptions options) : IReminderTable, IDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS reminders (grain_type TEXT NOT NULL, grain_key TEXT NOT NULL, reminder_name TEXT NOT NULL,
            start_ticks INTEGER NOT NULL, period_ticks INTEGER NOT NULL, version INTEGER NOT NULL,
            PRIMARY KEY (grain_type, grain_key, reminder_name)) WITHOUT ROWID;
        """;

    private const string Columns = "grain_type, grain_key, reminder_name, start_ticks, period_ticks, version";
    private readonly SqliteStore _store = new(options.DatabasePath, options.BusyTimeout, Schema);

    public Task<IReadOnlyList<ReminderEntry>> ReadAllAsync(CancellationToken cancellationToken) =>
        _store.RunAsync(c => Query(SqliteStore.Command(c, $"SELECT {Columns} FROM reminders")), cancellationToken);

    public Task<IReadOnlyList<ReminderEntry>> ReadAsync(string grainType, string grainKey, CancellationToken cancellationToken) =>
        _store.RunAsync(c => Query(SqliteStore.Command(c, $"SELECT {Columns} FROM reminders WHERE grain_type = $type AND grain_key = $key",
            ("$type", grainType), ("$key", grainKey))), cancellationToken);

    public Task<ReminderEntry> UpsertAsync(ReminderEntry entry, CancellationToken cancellationToken) =>
        _store.RunInTransactionAsync(c =>
        {
            using (var upsert = SqliteStore.Command(c, """
                INSERT INTO reminders VALUES ($type, $key, $name, $start, $period, 1)
                ON CONFLICT (grain_type, grain_key, reminder_name) DO UPDATE SET start_ticks = excluded.start_ticks, period_ticks = excluded.period_ticks, version = version + 1
                """, ("$type", entry.GrainType), ("$key", entry.GrainKey), ("$name", entry.Name), ("$start", entry.StartUtc.Ticks), ("$period", entry.Period.Ticks)))
                upsert.ExecuteNonQuery();
            using var read = SqliteStore.Command(c, "SELECT version FROM reminders WHERE grain_type = $type AND grain_key = $key AND reminder_name = $name",
                ("$type", entry.GrainType), ("$key", entry.GrainKey), ("$name", entry.Name));
            return entry with { Version = (long)read.ExecuteScalar()! };
        }, cancellationToken);

    public Task RemoveAsync(string grainType, string grainKey, string name, CancellationToken cancellationToken) =>
        _store.RunAsync(c =>
        {
            using var command = SqliteStore.Command(c, "DELETE FROM reminders WHERE grain_type = $type AND grain_key = $key AND reminder_name = $name",
                ("$type", grainType), ("$key", grainKey), ("$name", name));
            return command.ExecuteNonQuery();
        }, cancellationToken);

    public void Dispose() => _store.Dispose();

    private static IReadOnlyList<ReminderEntry> Query(SqliteCommand command)
    {
        using (command)
        {
            using var reader = command.ExecuteReader();
            var entries = new List<ReminderEntry>();
            while (reader.Read())
            {
                entries.Add(new ReminderEntry(reader.GetString(0), reader.GetString(1), reader.GetString(2),
                    new DateTime(reader.GetInt64(3), DateTimeKind.Utc), TimeSpan.FromTicks(reader.GetInt64(4)), reader.GetInt64(5)));
            }

            return entries;
        }
    }
}
