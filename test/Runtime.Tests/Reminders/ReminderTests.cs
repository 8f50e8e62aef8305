using MicroSeg.Runtime.Hosting;
using MicroSeg.Runtime.Tests.Infrastructure;
using MicroSeg.Runtime.Tests.TestGrains;

namespace MicroSeg.Runtime.Tests.Reminders;

public sealed class ReminderTests
{
    private static readonly TimeSpan s_period = TimeSpan.FromMilliseconds(100);

    [Fact]
    public async Task RegisterOrUpdateReminder_Memory_FiresUntilUnregistered()
    {
        await using var silo = await TestSilo.StartAsync(s => s.UseInMemoryReminderService().ConfigureReminders(o => o.MinimumPeriod = s_period));
        var key = Wait.NewKey();
        var grain = silo.Grains.GetGrain<IReminderTestGrain>(key);

        await grain.StartAsync("tick", s_period);
        await Wait.UntilAsync(() => Probe.Get($"reminder:{key}:tick") >= 3, "the reminder fires three times");
        Assert.Equal(1, await grain.CountRemindersAsync());

        await grain.StopAsync("tick");
        var stoppedAt = Probe.Get($"reminder:{key}:tick");
        var barrier = Wait.NewKey();
        await silo.Grains.GetGrain<IReminderTestGrain>(barrier).StartAsync("tick", s_period);
        await Wait.UntilAsync(() => Probe.Get($"reminder:{barrier}:tick") >= 4, "another reminder fires four times");

        Assert.InRange(Probe.Get($"reminder:{key}:tick"), stoppedAt, stoppedAt + 1);
        Assert.Equal(0, await grain.CountRemindersAsync());
    }

    [Fact]
    public async Task RegisterOrUpdateReminder_PeriodBelowMinimum_Throws()
    {
        await using var silo = await TestSilo.StartAsync(s => s.UseInMemoryReminderService());
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => silo.Grains.GetGrain<IReminderTestGrain>(Wait.NewKey()).StartAsync("fast", s_period));
    }

    [Fact]
    public async Task Reminder_SqliteSiloRestart_FiresAgain()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"microseg-reminders-{Guid.NewGuid():N}");
        Action<ISiloBuilder> configure = s => s.UseSqliteReminderService(o => o.DatabasePath = Path.Combine(directory, "microseg.db"))
            .ConfigureReminders(o => o.MinimumPeriod = s_period);
        try
        {
            var key = Wait.NewKey();
            var silo = await TestSilo.StartAsync(configure);
            await silo.Grains.GetGrain<IReminderTestGrain>(key).StartAsync("tick", s_period);
            await Wait.UntilAsync(() => Probe.Get($"reminder:{key}:tick") >= 2, "the reminder fires");
            await silo.StopAsync();
            var before = Probe.Get($"reminder:{key}:tick");

            await using var restarted = await TestSilo.StartAsync(configure);
            await Wait.UntilAsync(() => Probe.Get($"reminder:{key}:tick") >= before + 2, "the reminder fires again after the restart, activating the grain");
            Assert.Equal(2, Probe.Get($"reminder-activate:{key}"));
        }
        finally
        {
            if (Directory.Exists(directory))
                Directory.Delete(directory, recursive: true);
        }
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresReminderTests(PostgresFixture postgres)
{
    private static readonly TimeSpan s_period = TimeSpan.FromMilliseconds(200);

    [Fact]
    public async Task Reminders_FullClusterRestart_FireAgainOnTheNewSilos()
    {
        await using var cluster = await postgres.StartClusterAsync(silos: 2, client: false, configure: s => s
            .UsePostgresReminderService(o => o.ConnectionString = postgres.ConnectionString)
            .ConfigureReminders(o =>
            {
                o.MinimumPeriod = s_period;
                o.RefreshPeriod = TimeSpan.FromMilliseconds(500);
            }));
        var keys = Enumerable.Range(0, 6).Select(_ => Wait.NewKey()).ToList();
        foreach (var key in keys)
            await cluster.Silos[0].Grains.GetGrain<IReminderTestGrain>(key).StartAsync("tick", s_period);
        await Wait.UntilAsync(() => keys.All(k => Probe.Get($"reminder:{k}:tick") >= 2), "every reminder fires");

        foreach (var silo in cluster.Silos.ToList())
            await cluster.StopSiloAsync(silo);
        var before = keys.ToDictionary(k => k, k => Probe.Get($"reminder:{k}:tick"));
        await cluster.StartAdditionalSiloAsync();
        await cluster.StartAdditionalSiloAsync();

        await Wait.UntilAsync(() => keys.All(k => Probe.Get($"reminder:{k}:tick") >= before[k] + 2), "every reminder fires again after the full restart", TimeSpan.FromSeconds(20));
        Assert.All(keys, k => Assert.True(Probe.Get($"reminder-activate:{k}") >= 2, $"grain {k} was reactivated by its reminder"));

        foreach (var key in keys)
            await cluster.Silos[0].Grains.GetGrain<IReminderTestGrain>(key).StopAsync("tick");
    }
}
