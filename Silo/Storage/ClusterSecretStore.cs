using MicroSeg.Silo.Security.Certificates;
using Npgsql;

namespace MicroSeg.Silo.Storage;

/// <summary>
/// Reads the cluster's shared secret (<c>MicroSegClusterSecret</c>, deploy/sql/postgresql/70-cluster-secret.sql),
/// created once with the PostgreSQL schema, from which every silo of the cluster makes the same <see cref="ClusterCallProof"/>.
/// </summary>
internal static class ClusterSecretStore
{
    /// <exception cref="InvalidOperationException">The database cannot be reached or has no usable secret row.</exception>
    public static async Task<ClusterCallProof> ReadPostgresAsync(string connectionString, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT Secret FROM MicroSegClusterSecret WHERE Singleton", connection);
            return await command.ExecuteScalarAsync(cancellationToken) is byte[] secret
                ? ClusterCallProof.FromSecret(secret)
                : throw new InvalidOperationException($"PostgreSQL database '{connection.Database}' has no cluster secret (table MicroSegClusterSecret).");
        }
        catch (NpgsqlException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new InvalidOperationException($"Cannot read the cluster secret (table MicroSegClusterSecret) from PostgreSQL: {e.Message}", e);
        }
    }
}
