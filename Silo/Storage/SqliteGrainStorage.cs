using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Runtime;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace MicroSeg.Silo.Storage;

/// <summary>
/// Grain state in one SQLite table, one row per (state name, grain id), under optimistic concurrency: a write or
/// clear must present the ETag it last read (null if it read no row), else it fails with
/// <see cref="InconsistentStateException"/> and changes nothing.
/// </summary>
internal sealed partial class SqliteGrainStorage : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS grain_state (
            state_name TEXT NOT NULL,
            grain_id   TEXT NOT NULL,
            etag       TEXT NOT NULL,
            payload    BLOB NOT NULL,
            PRIMARY KEY (state_name, grain_id)
        );
        """;

    private const string SelectRow = "SELECT etag, payload FROM grain_state WHERE state_name = $state AND grain_id = $grain";
    private const string SelectETag = "SELECT etag FROM grain_state WHERE state_name = $state AND grain_id = $grain";
    private const string InsertRow = """
        INSERT INTO grain_state (state_name, grain_id, etag, payload) VALUES ($state, $grain, $etag, $payload)
        ON CONFLICT (state_name, grain_id) DO NOTHING
        """;
    private const string UpdateRow = """
        UPDATE grain_state SET etag = $etag, payload = $payload
        WHERE state_name = $state AND grain_id = $grain AND etag = $expected
        """;
    private const string DeleteRow = "DELETE FROM grain_state WHERE state_name = $state AND grain_id = $grain AND etag = $expected";

    private readonly string _name;
    private readonly SqliteStorageOptions _options;
    private readonly IGrainStorageSerializer _serializer;
    private readonly IActivatorProvider _activators;
    private readonly ILogger<SqliteGrainStorage> _logger;
    private SqliteDatabase? _database;

    public SqliteGrainStorage(string name, SqliteStorageOptions options, IActivatorProvider activators, ILogger<SqliteGrainStorage> logger)
    {
        _name = name;
        _options = options;
        // Filled by DefaultStorageProviderSerializerOptionsConfigurator; null only if the provider was built by hand.
        _serializer = options.GrainStorageSerializer
            ?? throw new ArgumentException($"{nameof(SqliteStorageOptions.GrainStorageSerializer)} is not set for storage '{name}'.", nameof(options));
        _activators = activators;
        _logger = logger;
    }

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe($"{nameof(SqliteGrainStorage)}-{_name}", _options.InitStage, StartAsync, StopAsync);

    /// <summary>Opens the file and creates the table if missing.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_database is not null)
        {
            return;
        }

        var database = SqliteDatabase.Acquire(_options);
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
        LogStarted(_name, database.Path);
    }

    /// <summary>Waits for queued writes and lets the file close once no other provider uses it.</summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _database, null)?.Release();
        return Task.CompletedTask;
    }

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ReadStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var grain = grainId.ToString();
        var row = Database.Read(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = SelectRow;
            Bind(command, stateName, grain);
            using var reader = command.ExecuteReader();
            return reader.Read() ? (ETag: reader.GetString(0), Payload: reader.GetFieldValue<byte[]>(1)) : default;
        });

        if (row.ETag is null)
        {
            grainState.State = _activators.GetActivator<T>().Create();
            grainState.ETag = null;
            grainState.RecordExists = false;
        }
        else
        {
            grainState.State = _serializer.Deserialize<T>(new BinaryData(row.Payload)) ?? _activators.GetActivator<T>().Create();
            grainState.ETag = row.ETag;
            grainState.RecordExists = true;
        }

        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        WriteStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        var payload = _serializer.Serialize(grainState.State).ToArray();
        var grain = grainId.ToString();
        var expected = grainState.ETag;
        var etag = NewETag();
        var conflict = await Database.WriteAsync(commands =>
        {
            var command = commands(expected is null ? InsertRow : UpdateRow);
            Bind(command, stateName, grain);
            command.Parameters.AddWithValue("$etag", etag);
            command.Parameters.AddWithValue("$payload", payload);
            if (expected is not null)
            {
                command.Parameters.AddWithValue("$expected", expected);
            }

            return command.ExecuteNonQuery() == 1 ? null : new Conflict(StoredETag(commands, stateName, grain));
        }, cancellationToken).ConfigureAwait(false);

        if (conflict is not null)
        {
            throw Mismatch("write", stateName, grain, conflict.StoredETag, expected);
        }

        grainState.ETag = etag;
        grainState.RecordExists = true;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ClearStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        var grain = grainId.ToString();
        var expected = grainState.ETag;
        var conflict = await Database.WriteAsync(commands =>
        {
            var stored = StoredETag(commands, stateName, grain);
            if (stored != expected)
            {
                return new Conflict(stored);
            }

            if (stored is not null)
            {
                var command = commands(DeleteRow);
                Bind(command, stateName, grain);
                command.Parameters.AddWithValue("$expected", stored);
                command.ExecuteNonQuery();
            }

            return null;
        }, cancellationToken).ConfigureAwait(false);

        if (conflict is not null)
        {
            throw Mismatch("clear", stateName, grain, conflict.StoredETag, expected);
        }

        grainState.State = _activators.GetActivator<T>().Create();
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    private SqliteDatabase Database =>
        _database ?? throw new InvalidOperationException($"SQLite grain storage '{_name}' is not started.");

    private static string? StoredETag(Func<string, SqliteCommand> commands, string stateName, string grain)
    {
        var command = commands(SelectETag);
        Bind(command, stateName, grain);
        return command.ExecuteScalar() as string;
    }

    private static void Bind(SqliteCommand command, string stateName, string grain)
    {
        command.Parameters.AddWithValue("$state", stateName);
        command.Parameters.AddWithValue("$grain", grain);
    }

    // Random rather than a counter: a row deleted and written again must not accept an ETag from before the delete.
    private static string NewETag() => Guid.NewGuid().ToString("N");

    private InconsistentStateException Mismatch(string operation, string stateName, string grain, string? stored, string? presented)
    {
        LogETagMismatch(_name, operation, stateName, grain, stored, presented);
        return new InconsistentStateException(
            $"SQLite storage '{_name}': ETag mismatch on {operation} of state '{stateName}' of {grain}: stored '{stored ?? "(no row)"}', presented '{presented ?? "(none)"}'.",
            stored ?? string.Empty,
            presented ?? string.Empty);
    }

    private sealed record Conflict(string? StoredETag);

    [LoggerMessage(Level = LogLevel.Information, Message = "SQLite grain storage {Name} uses {Path}")]
    private partial void LogStarted(string name, string path);

    [LoggerMessage(Level = LogLevel.Debug, Message = "SQLite grain storage {Name}: ETag mismatch on {Operation} of {StateName} of {GrainId}: stored {Stored}, presented {Presented}")]
    private partial void LogETagMismatch(string name, string operation, string stateName, string grainId, string? stored, string? presented);
}
