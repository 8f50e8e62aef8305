using MicroSeg.Grains.Flows;
using MicroSeg.Grains.Interfaces.Flows;
using Microsoft.Data.Sqlite;

namespace MicroSeg.Silo.Flows;

/// <summary>
/// Flow history of the embedded silo, in its own SQLite file beside the grain state (flows.db): flow batches
/// are many and large, and a file of their own keeps them off the grain-state writer's queue and fsyncs.
/// One writer connection (SQLite admits one writer), one transaction per batch; reads on pooled connections.
/// </summary>
internal sealed class SqliteFlowHistory : IFlowHistory, IDisposable
{
    private const string Table = "flows";
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly SqliteConnection _writer;
    private readonly string _readConnectionString;

    public SqliteFlowHistory(string path)
    {
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { Length: > 0 } directory)
            Directory.CreateDirectory(directory);
        _writer = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false, DefaultTimeout = 30 }.ToString());
        _readConnectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = true, DefaultTimeout = 30 }.ToString();
        _writer.Open();
        using var command = _writer.CreateCommand();
        // FULL: a batch is acknowledged to its agent only once it is on disk.
        command.CommandText = $"""
            PRAGMA journal_mode=WAL;
            PRAGMA synchronous=FULL;
            CREATE TABLE IF NOT EXISTS {Table} (
                id            INTEGER PRIMARY KEY AUTOINCREMENT,
                first_seen    INTEGER NOT NULL,
                last_seen     INTEGER NOT NULL,
                node          TEXT    NOT NULL,
                src_workload  TEXT,
                src_namespace TEXT,
                src_address   TEXT    NOT NULL,
                dst_workload  TEXT,
                dst_namespace TEXT,
                dst_address   TEXT    NOT NULL,
                dst_port      INTEGER NOT NULL,
                protocol      TEXT    NOT NULL,
                verdict       TEXT    NOT NULL,
                policy        TEXT,
                reason        TEXT    NOT NULL,
                connections   INTEGER NOT NULL,
                packets       INTEGER NOT NULL,
                bytes         INTEGER NOT NULL);
            CREATE INDEX IF NOT EXISTS flows_last_seen ON {Table} (last_seen);
            """;
        command.ExecuteNonQuery();
    }

    public async Task AppendAsync(IReadOnlyList<FlowRecord> records, CancellationToken cancellationToken)
    {
        if (records.Count == 0)
            return;
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            using var transaction = _writer.BeginTransaction();
            using var insert = _writer.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = $"INSERT INTO {Table} ({FlowHistorySql.Columns}) VALUES ({string.Join(", ", Enumerable.Range(0, 17).Select(i => $"$p{i}"))})";
            var parameters = Enumerable.Range(0, 17).Select(i => insert.Parameters.Add(new SqliteParameter($"$p{i}", null))).ToArray();
            insert.Prepare();
            foreach (var record in records)
            {
                var values = FlowHistorySql.Values(record);
                for (var i = 0; i < values.Length; i++)
                    parameters[i].Value = values[i];
                insert.ExecuteNonQuery();
            }
            transaction.Commit();
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public async Task<FlowPage> QueryAsync(FlowQuery query, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(_readConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        FlowHistorySql.Query(command, Table, query);
        return await FlowHistorySql.ReadPageAsync(command, query, cancellationToken);
    }

    public async Task<long> GetLatestIdAsync(CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(_readConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COALESCE(MAX(id), 0) FROM {Table}";
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<long> TrimAsync(DateTimeOffset olderThan, long maxRecords, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            using var command = _writer.CreateCommand();
            command.CommandText = $"""
                DELETE FROM {Table} WHERE last_seen < $old;
                DELETE FROM {Table} WHERE id <= (SELECT id FROM {Table} ORDER BY id DESC LIMIT 1 OFFSET $max);
                """;
            command.Parameters.AddWithValue("$old", FlowHistorySql.Micros(olderThan));
            command.Parameters.AddWithValue("$max", maxRecords);
            return command.ExecuteNonQuery();
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public void Dispose()
    {
        _writer.Dispose();
        _writeGate.Dispose();
    }
}
