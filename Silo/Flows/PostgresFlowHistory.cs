using MicroSeg.Grains.Flows;
using MicroSeg.Grains.Interfaces.Flows;
using Npgsql;
using NpgsqlTypes;

namespace MicroSeg.Silo.Flows;

/// <summary>
/// Flow history of a cluster, in the shared PostgreSQL database (table microseg_flows, deploy/sql/postgresql/60-flows.sql).
/// A batch is written with one binary COPY: one round trip whatever its size.
/// </summary>
internal sealed class PostgresFlowHistory(string connectionString) : IFlowHistory, IDisposable
{
    private const string Table = "microseg_flows";
    private readonly NpgsqlDataSource _source = NpgsqlDataSource.Create(connectionString);

    private static readonly NpgsqlDbType[] Types =
    [
        NpgsqlDbType.Bigint, NpgsqlDbType.Bigint, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text,
        NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Integer, NpgsqlDbType.Text, NpgsqlDbType.Text,
        NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Bigint, NpgsqlDbType.Bigint, NpgsqlDbType.Bigint,
    ];

    public async Task AppendAsync(IReadOnlyList<FlowRecord> records, CancellationToken cancellationToken)
    {
        if (records.Count == 0)
            return;
        await using var connection = await _source.OpenConnectionAsync(cancellationToken);
        await using var copy = await connection.BeginBinaryImportAsync($"COPY {Table} ({FlowHistorySql.Columns}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var record in records)
        {
            await copy.StartRowAsync(cancellationToken);
            var values = FlowHistorySql.Values(record);
            for (var i = 0; i < values.Length; i++)
            {
                if (values[i] is DBNull)
                    await copy.WriteNullAsync(cancellationToken);
                else
                    await copy.WriteAsync(values[i], Types[i], cancellationToken);
            }
        }
        await copy.CompleteAsync(cancellationToken);
    }

    public async Task<FlowPage> QueryAsync(FlowQuery query, CancellationToken cancellationToken)
    {
        await using var command = _source.CreateCommand();
        FlowHistorySql.Query(command, Table, query);
        return await FlowHistorySql.ReadPageAsync(command, query, cancellationToken);
    }

    public async Task<long> GetLatestIdAsync(CancellationToken cancellationToken)
    {
        await using var command = _source.CreateCommand($"SELECT COALESCE(MAX(id), 0) FROM {Table}");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<long> TrimAsync(DateTimeOffset olderThan, long maxRecords, CancellationToken cancellationToken)
    {
        await using var command = _source.CreateCommand(
            $"DELETE FROM {Table} WHERE last_seen < @old OR id <= (SELECT id FROM {Table} ORDER BY id DESC LIMIT 1 OFFSET @max)");
        command.Parameters.AddWithValue("old", FlowHistorySql.Micros(olderThan));
        command.Parameters.AddWithValue("max", maxRecords);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public void Dispose() => _source.Dispose();
}
