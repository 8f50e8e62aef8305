using MicroSeg.Silo.Storage;
using MicroSeg.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace MicroSeg.Silo.Tests.Storage;

/// <summary>The silos of a cluster read one shared secret from their database, and another database has another.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ClusterSecretStoreTests(PostgresFixture server)
{
    [Fact]
    public async Task ReadPostgresAsync_ThreeSilosStartTogetherOnEmptyDatabase_AllReadOneSecret_AnotherDatabaseHasAnother()
    {
        var database = await PostgresTestDatabases.CreateAsync(server, "secret_race");

        using var gate = new Barrier(3);
        var proofs = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            gate.SignalAndWait();
            await PostgresSchema.ApplyAsync(database, NullLogger.Instance, CancellationToken.None);
            return await ClusterSecretStore.ReadPostgresAsync(database, CancellationToken.None);
        })));
        await PostgresSchema.ApplyAsync(database, NullLogger.Instance, CancellationToken.None);
        var later = await ClusterSecretStore.ReadPostgresAsync(database, CancellationToken.None);

        Assert.All(proofs, p => Assert.True(p.Matches(proofs[0].Value)));
        Assert.True(later.Matches(proofs[0].Value));
        Assert.Equal(32, Convert.FromBase64String(later.Value).Length);
        Assert.Equal(1L, await PostgresTestDatabases.ScalarAsync<long>(database, "SELECT count(*) FROM MicroSegClusterSecret"));
        var other = await PostgresTestDatabases.CreateAsync(server, "secret_other");
        await PostgresSchema.ApplyAsync(other, NullLogger.Instance, CancellationToken.None);
        Assert.False((await ClusterSecretStore.ReadPostgresAsync(other, CancellationToken.None)).Matches(later.Value));
    }
}
