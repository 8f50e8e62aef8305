using MicroSeg.Runtime.Cluster;
using Npgsql;

namespace MicroSeg.Runtime.Postgres;

/// <summary>The membership table in PostgreSQL (table microseg_membership, one row per silo incarnation).</summary>
internal sealed class PostgresMembershipTable(PostgresDatabase database, string clusterId) : IMembershipTable
{
    private const string Key = "cluster_id = @cluster AND address = @address AND generation = @generation";

    public async Task RegisterAsync(MembershipEntry entry, CancellationToken cancellationToken)
    {
        await database.EnsureSchemaAsync().ConfigureAwait(false);
        await using var batch = database.DataSource.CreateBatch();
        batch.BatchCommands.Add(Command(entry.Address,
            "INSERT INTO microseg_membership (cluster_id, address, generation, silo_name, status, gateway) VALUES (@cluster, @address, @generation, @name, @status, @gateway)",
            ("name", entry.Name), ("status", (short)entry.Status), ("gateway", (object?)entry.Gateway ?? DBNull.Value)));
        batch.BatchCommands.Add(Command(entry.Address,
            "UPDATE microseg_membership SET status = 3 WHERE cluster_id = @cluster AND address = @address AND generation < @generation AND status <> 3"));
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task<bool> SetStatusAsync(SiloAddress silo, SiloStatus status, CancellationToken cancellationToken) =>
        UpdateAsync(Command(silo, $"UPDATE microseg_membership SET status = @status, heartbeat_utc = now() WHERE {Key} AND status <> 3", ("status", (short)status)), cancellationToken);

    public Task<bool> HeartbeatAsync(SiloAddress silo, CancellationToken cancellationToken) =>
        UpdateAsync(Command(silo, $"UPDATE microseg_membership SET heartbeat_utc = now() WHERE {Key} AND status <> 3"), cancellationToken);

    public async Task<IReadOnlyList<SiloAddress>> DeclareDeadAsync(TimeSpan deathTimeout, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(
            "UPDATE microseg_membership SET status = 3 WHERE cluster_id = @cluster AND status <> 3 AND heartbeat_utc < now() - @timeout RETURNING address, generation");
        command.Parameters.AddWithValue("cluster", clusterId);
        command.Parameters.AddWithValue("timeout", deathTimeout);
        var dead = new List<SiloAddress>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (Parse(reader.GetString(0), reader.GetInt64(1)) is { } address)
                dead.Add(address);
        }

        return dead;
    }

    public async Task<IReadOnlyList<MembershipEntry>> ReadLiveAsync(CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(
            "SELECT address, generation, silo_name, status, gateway FROM microseg_membership WHERE cluster_id = @cluster AND status <> 3");
        command.Parameters.AddWithValue("cluster", clusterId);
        var entries = new List<MembershipEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (Parse(reader.GetString(0), reader.GetInt64(1)) is { } address)
                entries.Add(new MembershipEntry(address, reader.GetString(2), (SiloStatus)reader.GetInt16(3), reader.IsDBNull(4) ? null : reader.GetString(4)));
        }

        return entries;
    }

    /// <summary>The gateways ("host:port") of the active members, for clients.</summary>
    public async Task<IReadOnlyList<string>> ReadGatewaysAsync(CancellationToken cancellationToken) =>
        [.. (await ReadLiveAsync(cancellationToken).ConfigureAwait(false))
            .Where(e => e.Status == SiloStatus.Active && e.Gateway is not null)
            .Select(e => e.Gateway!)
            .Order(StringComparer.Ordinal)];

    private static SiloAddress? Parse(string endpoint, long generation) =>
        SiloAddress.TryParse($"{endpoint}@{generation}", out var address) ? address : null;

    private async Task<bool> UpdateAsync(NpgsqlBatchCommand command, CancellationToken cancellationToken)
    {
        await using var batch = database.DataSource.CreateBatch();
        batch.BatchCommands.Add(command);
        return await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    private NpgsqlBatchCommand Command(SiloAddress silo, string sql, params (string Name, object Value)[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddWithValue("cluster", clusterId);
        command.Parameters.AddWithValue("address", silo.Endpoint);
        command.Parameters.AddWithValue("generation", silo.Generation);
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        return command;
    }
}
