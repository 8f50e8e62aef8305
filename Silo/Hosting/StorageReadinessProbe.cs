using MicroSeg.Api.Diagnostics;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace MicroSeg.Silo.Hosting;

/// <summary>/readyz's storage check: one round trip to the database this silo keeps grain state in (PostgreSQL or the SQLite file).</summary>
internal sealed class StorageReadinessProbe(SiloCommandOptions options) : IReadinessProbe
{
    public string Name => "storage";

    public async Task<bool> CheckAsync(CancellationToken cancellationToken)
    {
        System.Data.Common.DbConnection connection = options.Postgres is { } postgres
            ? new NpgsqlConnection(postgres)
            : new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = SiloConfiguration.DatabasePath(options), Mode = SqliteOpenMode.ReadOnly }.ToString());
        await using (connection)
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) == 1;
        }
    }
}
