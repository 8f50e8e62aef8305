using MicroSeg.Runtime.Hosting;
using MicroSeg.Runtime.Storage;
using MicroSeg.Runtime.Tests.Infrastructure;
using MicroSeg.Runtime.Tests.TestGrains;

namespace MicroSeg.Runtime.Tests.Storage;

public sealed class PersistenceTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "microseg-runtime-tests", Guid.NewGuid().ToString("N"));

    private string DatabasePath => Path.Combine(_directory, "data", "microseg.db");

    public void Dispose()
    {
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task SqliteState_SiloStoppedAndStartedOnSameFile_StateSurvives()
    {
        var key = Wait.NewKey();
        await using (var first = await StartSqliteSiloAsync())
        {
            await first.Grains.GetGrain<IStateGrain>(key).AddAsync(40);
            await first.Grains.GetGrain<IStateGrain>(key).AddAsync(2);
        }

        await using var second = await StartSqliteSiloAsync();

        Assert.Equal(42, await second.Grains.GetGrain<IStateGrain>(key).GetAsync());
        Assert.True(File.Exists(DatabasePath));
    }

    [Fact]
    public async Task WriteState_StaleEtagInSqlite_ThrowsInconsistentStateException()
    {
        await using var silo = await StartSqliteSiloAsync();
        var grain = silo.Grains.GetGrain<IStateGrain>(Wait.NewKey());

        await Assert.ThrowsAsync<InconsistentStateException>(grain.ConflictAsync);
    }

    [Fact]
    public async Task WriteState_StaleEtagInMemory_ThrowsInconsistentStateException()
    {
        await using var silo = await TestSilo.StartAsync();
        var grain = silo.Grains.GetGrain<IStateGrain>(Wait.NewKey());

        await Assert.ThrowsAsync<InconsistentStateException>(grain.ConflictAsync);
    }

    [Fact]
    public async Task ClearState_ThenWrite_StartsFromNewState()
    {
        await using var silo = await StartSqliteSiloAsync();
        var grain = silo.Grains.GetGrain<IStateGrain>(Wait.NewKey());
        await grain.AddAsync(9);

        await grain.ClearAsync();

        Assert.Equal(0, await grain.GetAsync());
        Assert.Equal(1, await grain.AddAsync(1));
    }

    [Fact]
    public async Task SqliteStorage_ClearedRecordAndStaleWriter_StillConflicts()
    {
        using var storage = new SqliteGrainStorage(new SqliteGrainStorageOptions { DatabasePath = DatabasePath });
        var v1 = await storage.WriteAsync("t", "k", "s", "{}", null);
        var cleared = await storage.ClearAsync("t", "k", "s", v1);

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteAsync("t", "k", "s", "{}", null));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteAsync("t", "k", "s", "{}", v1));
        var record = await storage.ReadAsync("t", "k", "s");
        Assert.Null(record!.Payload);
        Assert.Equal(cleared, record.Etag);
    }

    private Task<TestSilo> StartSqliteSiloAsync() =>
        TestSilo.StartAsync(s => s.AddSqliteGrainStorageAsDefault(o => o.DatabasePath = DatabasePath), memoryStorage: false);
}
