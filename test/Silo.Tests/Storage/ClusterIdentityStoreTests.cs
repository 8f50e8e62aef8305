using MicroSeg.Silo.Storage;
using MicroSeg.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace MicroSeg.Silo.Tests.Storage;

/// <summary>The embedded store's cluster identity: created once with the SQLite file, stable, new with a new file.</summary>
public sealed class SqliteClusterIdentityTests : IDisposable
{
    private readonly TempDatabase _database = new();

    [Fact]
    public void ReadOrCreateSqlite_OpenedAgain_ReturnsTheIdentityCreatedWithTheFile()
    {
        var first = ClusterIdentityStore.ReadOrCreateSqlite(_database.FilePath);
        var again = ClusterIdentityStore.ReadOrCreateSqlite(_database.FilePath);

        Assert.NotEqual(Guid.Empty, first.Id);
        Assert.Equal(first, again);
    }

    [Fact]
    public async Task ReadOrCreateSqlite_SeveralOpenersAtOnce_AllGetOneIdentity()
    {
        using var gate = new Barrier(4);
        var openers = Enumerable.Range(0, 4)
            .Select(_ => Task.Run(() =>
            {
                gate.SignalAndWait();
                return ClusterIdentityStore.ReadOrCreateSqlite(_database.FilePath);
            }))
            .ToArray();

        Assert.Single((await Task.WhenAll(openers)).Distinct());
    }

    [Fact]
    public void ReadOrCreateSqlite_FileDeleted_CreatesAnotherIdentity()
    {
        var before = ClusterIdentityStore.ReadOrCreateSqlite(_database.FilePath);
        foreach (var file in Directory.EnumerateFiles(Path.GetDirectoryName(_database.FilePath)!))
            File.Delete(file);

        var after = ClusterIdentityStore.ReadOrCreateSqlite(_database.FilePath);

        Assert.NotEqual(before, after);
    }

    public void Dispose() => _database.Dispose();
}

/// <summary>Cluster mode: one identity per database, the same for silos that create the schema at the same time.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresClusterIdentityTests(PostgresFixture server)
{
    [Fact]
    public async Task ReadPostgresAsync_ThreeSilosStartTogetherOnEmptyDatabase_AllReadOneIdentityThatLasts()
    {
        var database = await PostgresTestDatabases.CreateAsync(server, "identity_race");

        using var gate = new Barrier(3);
        var identities = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            gate.SignalAndWait();
            await PostgresSchema.ApplyAsync(database, NullLogger.Instance, CancellationToken.None);
            return await ClusterIdentityStore.ReadPostgresAsync(database, CancellationToken.None);
        })));
        // A silo restarting later re-applies the schema and must find the same identity.
        await PostgresSchema.ApplyAsync(database, NullLogger.Instance, CancellationToken.None);
        var later = await ClusterIdentityStore.ReadPostgresAsync(database, CancellationToken.None);

        Assert.NotEqual(Guid.Empty, identities[0].Id);
        Assert.All(identities, i => Assert.Equal(identities[0], i));
        Assert.Equal(identities[0], later);
        Assert.Equal(1L, await PostgresTestDatabases.ScalarAsync<long>(database, "SELECT count(*) FROM MicroSegCluster"));
        var other = await PostgresTestDatabases.CreateAsync(server, "identity_other");
        await PostgresSchema.ApplyAsync(other, NullLogger.Instance, CancellationToken.None);
        Assert.NotEqual(identities[0], await ClusterIdentityStore.ReadPostgresAsync(other, CancellationToken.None));
    }
}
