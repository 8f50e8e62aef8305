using System.Diagnostics;
using MicroSeg.Silo.Storage;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace MicroSeg.Silo.Tests.Storage;

/// <summary>A whole silo on a temporary database file, stopped and started again on the same file.</summary>
public sealed class SqliteSiloTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly TempDatabase _database = new();

    [Fact]
    public async Task PersistentState_ClusterRestartedOnSameFile_StateIsStillThere()
    {
        await using (var cluster = await StartClusterAsync())
        {
            var counter = cluster.Client.GetGrain<IPersistentCounterGrain>("c1");
            await counter.Add(5);
            Assert.Equal(7, await counter.Add(2));
            await cluster.StopAllSilosAsync();
        }

        // A stopped silo has closed the file: the last connection to close folds the log back in and deletes it.
        Assert.True(File.Exists(_database.FilePath));
        Assert.False(File.Exists(_database.FilePath + "-wal"));

        await using (var cluster = await StartClusterAsync())
        {
            var counter = cluster.Client.GetGrain<IPersistentCounterGrain>("c1");
            Assert.Equal(7, await counter.Get());
            Assert.Equal(8, await counter.Add(1));
            await cluster.StopAllSilosAsync();
        }
    }

    [Fact]
    public async Task Reminder_ClusterRestartedOnSameFile_IsStillListedAndTicksAgain()
    {
        await using (var cluster = await StartClusterAsync())
        {
            var grain = cluster.Client.GetGrain<IReminderCounterGrain>("r1");
            await grain.Start(TimeSpan.FromSeconds(1));
            await WaitForTickAsync(grain);
            await cluster.StopAllSilosAsync();
        }

        await using (var cluster = await StartClusterAsync())
        {
            var grain = cluster.Client.GetGrain<IReminderCounterGrain>("r1");
            Assert.Equal([ReminderCounterGrain.ReminderName], await grain.ListReminders());
            // The fresh activation counts from zero, so a tick now means the restarted silo loaded the row.
            await WaitForTickAsync(grain);
            await cluster.StopAllSilosAsync();
        }
    }

    [Fact]
    public async Task AddSqliteGrainStorage_MissingDatabasePath_SiloStartFailsNamingTheSetting()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) => silo.AddSqliteGrainStorage("store", _ => { }));
        await using var cluster = builder.Build();

        var exception = await Assert.ThrowsAnyAsync<Exception>(() => cluster.DeployAsync());

        Assert.Contains(nameof(SqliteStorageOptions.DatabasePath), exception.ToString());
        Assert.Contains("'store'", exception.ToString());
    }

    public void Dispose() => _database.Dispose();

    private static async Task WaitForTickAsync(IReminderCounterGrain grain)
    {
        var clock = Stopwatch.StartNew();
        while (await grain.GetTicks() == 0)
        {
            Assert.True(clock.Elapsed < Patience, $"no reminder tick within {Patience}");
            await Task.Delay(100);
        }
    }

    private async Task<InProcessTestCluster> StartClusterAsync()
    {
        var path = _database.FilePath;
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddSqliteGrainStorageAsDefault(options => options.DatabasePath = path);
            silo.UseSqliteReminderService(options => options.DatabasePath = path);
            // Orleans refuses reminder periods under a minute unless told otherwise.
            silo.Configure<ReminderOptions>(options => options.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }
}
