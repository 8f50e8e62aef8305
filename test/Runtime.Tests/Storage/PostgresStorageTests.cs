using MicroSeg.Runtime.Hosting;
using MicroSeg.Runtime.Postgres;
using MicroSeg.Runtime.Tests.Infrastructure;
using MicroSeg.Runtime.Tests.TestGrains;

namespace MicroSeg.Runtime.Tests.Storage;

[Collection(PostgresCollection.Name)]
public sealed class PostgresStorageTests(PostgresFixture postgres)
{
    [Fact]
    public async Task PostgresState_SiloStoppedAndStarted_StateSurvives()
    {
        var key = Wait.NewKey();
        await using (var first = await StartSiloAsync())
        {
            await first.Grains.GetGrain<IStateGrain>(key).AddAsync(40);
            await first.Grains.GetGrain<IStateGrain>(key).AddAsync(2);
        }

        await using var second = await StartSiloAsync();

        Assert.Equal(42, await second.Grains.GetGrain<IStateGrain>(key).GetAsync());
    }

    [Fact]
    public async Task WriteState_StaleEtagInPostgres_ThrowsInconsistentStateException()
    {
        await using var silo = await StartSiloAsync();
        var grain = silo.Grains.GetGrain<IStateGrain>(Wait.NewKey());

        await Assert.ThrowsAsync<InconsistentStateException>(grain.ConflictAsync);
    }

    [Fact]
    public async Task ClearState_ThenWriteInPostgres_StartsFromNewState()
    {
        await using var silo = await StartSiloAsync();
        var grain = silo.Grains.GetGrain<IStateGrain>(Wait.NewKey());
        await grain.AddAsync(9);

        await grain.ClearAsync();

        Assert.Equal(0, await grain.GetAsync());
        Assert.Equal(1, await grain.AddAsync(1));
    }

    [Fact]
    public async Task PostgresStorage_ClearedRecordAndStaleWriter_StillConflicts()
    {
        await using var databases = new PostgresDatabases();
        var storage = new PostgresGrainStorage(databases.Get(postgres.ConnectionString));
        var key = Wait.NewKey();
        var v1 = await storage.WriteAsync("t", key, "s", """{"a":1}""", null);
        var cleared = await storage.ClearAsync("t", key, "s", v1);

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteAsync("t", key, "s", "{}", null));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteAsync("t", key, "s", "{}", v1));
        var record = await storage.ReadAsync("t", key, "s");
        Assert.Null(record!.Payload);
        Assert.Equal(cleared, record.Etag);
    }

    [Fact]
    public async Task Schema_AppliedTwiceConcurrently_IsIdempotent()
    {
        await using var first = new PostgresDatabases();
        await using var second = new PostgresDatabases();

        await Task.WhenAll(first.Get(postgres.ConnectionString).EnsureSchemaAsync(), second.Get(postgres.ConnectionString).EnsureSchemaAsync());

        Assert.NotEmpty(PostgresDatabase.SchemaScripts());
        await postgres.ExecuteAsync("SELECT 1 FROM microseg_membership, microseg_grain_state LIMIT 0");
    }

    private Task<TestSilo> StartSiloAsync() =>
        TestSilo.StartAsync(s => s.AddPostgresGrainStorageAsDefault(o => o.ConnectionString = postgres.ConnectionString), memoryStorage: false);
}
