using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Runtime;

namespace MicroSeg.Silo.Storage;

/// <summary>
/// Orleans' reminder table in its own SQLite table. Rows carry the grain id's uniform hash so that each silo's
/// reminder service can load the slice of the hash ring it owns.
/// </summary>
internal sealed partial class SqliteReminderTable(SqliteStorageOptions options, ILogger<SqliteReminderTable> logger) : IReminderTable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS reminders (
            grain_id      TEXT    NOT NULL,
            reminder_name TEXT    NOT NULL,
            grain_hash    INTEGER NOT NULL,
            start_at      INTEGER NOT NULL,
            period        INTEGER NOT NULL,
            etag          TEXT    NOT NULL,
            PRIMARY KEY (grain_id, reminder_name)
        );
        CREATE INDEX IF NOT EXISTS reminders_by_hash ON reminders (grain_hash);
        """;

    private const string Columns = "SELECT grain_id, reminder_name, start_at, period, etag FROM reminders";
    private const string SelectByGrain = Columns + " WHERE grain_id = $grain";
    private const string SelectOne = Columns + " WHERE grain_id = $grain AND reminder_name = $name";

    // Orleans' ring ranges are (begin, end]; begin >= end wraps past uint.MaxValue (begin == end is the whole ring).
    private const string SelectInRange = Columns + " WHERE grain_hash > $begin AND grain_hash <= $end";
    private const string SelectWrapped = Columns + " WHERE grain_hash > $begin OR grain_hash <= $end";

    private const string Upsert = """
        INSERT INTO reminders (grain_id, reminder_name, grain_hash, start_at, period, etag)
        VALUES ($grain, $name, $hash, $start, $period, $etag)
        ON CONFLICT (grain_id, reminder_name) DO UPDATE SET
            grain_hash = excluded.grain_hash, start_at = excluded.start_at, period = excluded.period, etag = excluded.etag
        """;
    private const string Delete = "DELETE FROM reminders WHERE grain_id = $grain AND reminder_name = $name AND etag = $etag";
    private const string DeleteAll = "DELETE FROM reminders";

    private SqliteDatabase? _database;

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_database is not null)
        {
            return;
        }

        var database = SqliteDatabase.Acquire(options);
        try
        {
            await database.WriteAsync(commands => commands(Schema).ExecuteNonQuery(), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            database.Release();
            throw;
        }

        _database = database;
        LogStarted(database.Path);
    }

    public Task StopAsync(CancellationToken cancellationToken = default)
    {
        Interlocked.Exchange(ref _database, null)?.Release();
        return Task.CompletedTask;
    }

    public Task<ReminderTableData> ReadRows(GrainId grainId) => ReadRows(grainId, CancellationToken.None);

    public Task<ReminderTableData> ReadRows(GrainId grainId, CancellationToken cancellationToken) =>
        Task.FromResult(Query(SelectByGrain, command => command.Parameters.AddWithValue("$grain", grainId.ToString())));

    public Task<ReminderTableData> ReadRows(uint begin, uint end) => ReadRows(begin, end, CancellationToken.None);

    public Task<ReminderTableData> ReadRows(uint begin, uint end, CancellationToken cancellationToken) =>
        Task.FromResult(Query(begin < end ? SelectInRange : SelectWrapped, command =>
        {
            command.Parameters.AddWithValue("$begin", (long)begin);
            command.Parameters.AddWithValue("$end", (long)end);
        }));

    public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName) => ReadRow(grainId, reminderName, CancellationToken.None);

    public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName, CancellationToken cancellationToken)
    {
        var rows = Query(SelectOne, command =>
        {
            command.Parameters.AddWithValue("$grain", grainId.ToString());
            command.Parameters.AddWithValue("$name", reminderName);
        });
        return Task.FromResult(rows.Reminders.Count == 0 ? null : rows.Reminders[0]);
    }

    public Task<string?> UpsertRow(ReminderEntry entry) => UpsertRow(entry, CancellationToken.None);

    public async Task<string?> UpsertRow(ReminderEntry entry, CancellationToken cancellationToken)
    {
        var etag = Guid.NewGuid().ToString("N");
        var grain = entry.GrainId.ToString();
        var hash = (long)entry.GrainId.GetUniformHashCode();
        var start = ToUtc(entry.StartAt).Ticks;
        var period = entry.Period.Ticks;
        await Database.WriteAsync(commands =>
        {
            var command = commands(Upsert);
            command.Parameters.AddWithValue("$grain", grain);
            command.Parameters.AddWithValue("$name", entry.ReminderName);
            command.Parameters.AddWithValue("$hash", hash);
            command.Parameters.AddWithValue("$start", start);
            command.Parameters.AddWithValue("$period", period);
            command.Parameters.AddWithValue("$etag", etag);
            return command.ExecuteNonQuery();
        }, cancellationToken).ConfigureAwait(false);
        return etag;
    }

    public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag) =>
        RemoveRow(grainId, reminderName, eTag, CancellationToken.None);

    public async Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag, CancellationToken cancellationToken)
    {
        var grain = grainId.ToString();
        var removed = await Database.WriteAsync(commands =>
        {
            var command = commands(Delete);
            command.Parameters.AddWithValue("$grain", grain);
            command.Parameters.AddWithValue("$name", reminderName);
            command.Parameters.AddWithValue("$etag", eTag);
            return command.ExecuteNonQuery() == 1;
        }, cancellationToken).ConfigureAwait(false);

        if (!removed)
        {
            LogRemoveMismatch(grain, reminderName, eTag);
        }

        return removed;
    }

    public Task TestOnlyClearTable() => TestOnlyClearTable(CancellationToken.None);

    public Task TestOnlyClearTable(CancellationToken cancellationToken) =>
        Database.WriteAsync(commands => commands(DeleteAll).ExecuteNonQuery(), cancellationToken);

    private SqliteDatabase Database =>
        _database ?? throw new InvalidOperationException("The SQLite reminder table is not started.");

    private ReminderTableData Query(string sql, Action<SqliteCommand> bind) => Database.Read(connection =>
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        bind(command);
        using var reader = command.ExecuteReader();
        var rows = new List<ReminderEntry>();
        while (reader.Read())
        {
            rows.Add(new ReminderEntry
            {
                GrainId = GrainId.Parse(reader.GetString(0)),
                ReminderName = reader.GetString(1),
                StartAt = new DateTime(reader.GetInt64(2), DateTimeKind.Utc),
                Period = TimeSpan.FromTicks(reader.GetInt64(3)),
                ETag = reader.GetString(4),
            });
        }

        return new ReminderTableData(rows);
    });

    // Orleans hands UTC times; an unspecified kind is taken as UTC rather than shifted by the machine's zone.
    private static DateTime ToUtc(DateTime time) => time.Kind == DateTimeKind.Local ? time.ToUniversalTime() : time;

    [LoggerMessage(Level = LogLevel.Information, Message = "SQLite reminder table uses {Path}")]
    private partial void LogStarted(string path);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Reminder {ReminderName} of {GrainId} not removed: no row with ETag {ETag}")]
    private partial void LogRemoveMismatch(string grainId, string reminderName, string eTag);
}
