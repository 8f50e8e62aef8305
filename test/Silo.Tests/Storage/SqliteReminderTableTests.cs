using MicroSeg.Silo.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans;
using Orleans.Runtime;

namespace MicroSeg.Silo.Tests.Storage;

public sealed class SqliteReminderTableTests : IDisposable
{
    private readonly TempDatabase _database = new();
    private readonly List<SqliteReminderTable> _started = [];

    [Fact]
    public async Task UpsertRow_NewEntry_ReadRowReturnsItWithReturnedETag()
    {
        var table = await StartTableAsync();
        var entry = Entry(Grain("a"), "r1", TimeSpan.FromMinutes(2));

        var etag = await table.UpsertRow(entry);

        var read = await table.ReadRow(entry.GrainId, "r1");
        Assert.NotNull(etag);
        Assert.NotNull(read);
        Assert.Equal(etag, read.ETag);
        Assert.Equal(entry.GrainId, read.GrainId);
        Assert.Equal(entry.StartAt, read.StartAt);
        Assert.Equal(DateTimeKind.Utc, read.StartAt.Kind);
        Assert.Equal(TimeSpan.FromMinutes(2), read.Period);
    }

    [Fact]
    public async Task UpsertRow_ExistingEntry_ReplacesItAndChangesETag()
    {
        var table = await StartTableAsync();
        var grain = Grain("a");
        var first = await table.UpsertRow(Entry(grain, "r1", TimeSpan.FromMinutes(1)));

        var second = await table.UpsertRow(Entry(grain, "r1", TimeSpan.FromMinutes(5)));

        Assert.NotEqual(first, second);
        var rows = await table.ReadRows(grain);
        var only = Assert.Single(rows.Reminders);
        Assert.Equal(second, only.ETag);
        Assert.Equal(TimeSpan.FromMinutes(5), only.Period);
    }

    [Fact]
    public async Task ReadRow_Missing_ReturnsNull()
    {
        var table = await StartTableAsync();

        Assert.Null(await table.ReadRow(Grain("a"), "none"));
    }

    [Fact]
    public async Task RemoveRow_StaleETag_ReturnsFalseAndKeepsRow()
    {
        var table = await StartTableAsync();
        var grain = Grain("a");
        var stale = await table.UpsertRow(Entry(grain, "r1", TimeSpan.FromMinutes(1)));
        var current = await table.UpsertRow(Entry(grain, "r1", TimeSpan.FromMinutes(1)));

        var removed = await table.RemoveRow(grain, "r1", stale!);

        Assert.False(removed);
        Assert.Equal(current, (await table.ReadRow(grain, "r1"))?.ETag);
    }

    [Fact]
    public async Task RemoveRow_CurrentETag_ReturnsTrueAndRowIsGone()
    {
        var table = await StartTableAsync();
        var grain = Grain("a");
        var etag = await table.UpsertRow(Entry(grain, "r1", TimeSpan.FromMinutes(1)));
        await table.UpsertRow(Entry(grain, "r2", TimeSpan.FromMinutes(1)));

        var removed = await table.RemoveRow(grain, "r1", etag!);

        Assert.True(removed);
        Assert.Null(await table.ReadRow(grain, "r1"));
        Assert.Equal(["r2"], (await table.ReadRows(grain)).Reminders.Select(r => r.ReminderName));
        Assert.False(await table.RemoveRow(grain, "r1", etag!));
    }

    [Fact]
    public async Task ReadRows_ByGrain_ReturnsOnlyThatGrainsReminders()
    {
        var table = await StartTableAsync();
        await table.UpsertRow(Entry(Grain("a"), "r1", TimeSpan.FromMinutes(1)));
        await table.UpsertRow(Entry(Grain("a"), "r2", TimeSpan.FromMinutes(1)));
        await table.UpsertRow(Entry(Grain("b"), "r1", TimeSpan.FromMinutes(1)));

        var rows = await table.ReadRows(Grain("a"));

        Assert.Equal(["r1", "r2"], rows.Reminders.Select(r => r.ReminderName).Order());
        Assert.All(rows.Reminders, r => Assert.Equal(Grain("a"), r.GrainId));
    }

    [Fact]
    public async Task ReadRows_BeginBelowEnd_ReturnsHashesAboveBeginUpToEnd()
    {
        var (table, hashes) = await StartTableWithGrainsAsync();
        // Bounds sit exactly on stored hashes: begin is exclusive, end inclusive.
        var begin = hashes[5];
        var end = hashes[15];

        var rows = await table.ReadRows(begin, end);

        Assert.Equal(hashes.Where(h => h > begin && h <= end).Order(), HashesOf(rows));
        Assert.DoesNotContain(begin, HashesOf(rows));
        Assert.Contains(end, HashesOf(rows));
    }

    [Fact]
    public async Task ReadRows_BeginAboveEnd_WrapsAroundTheRing()
    {
        var (table, hashes) = await StartTableWithGrainsAsync();
        var begin = hashes[15];
        var end = hashes[5];

        var rows = await table.ReadRows(begin, end);

        var expected = hashes.Where(h => h > begin || h <= end).Order().ToArray();
        Assert.Equal(expected, HashesOf(rows));
        Assert.Contains(hashes[0], expected);
        Assert.Contains(hashes[^1], expected);
        Assert.DoesNotContain(hashes[10], expected);
    }

    [Fact]
    public async Task ReadRows_BeginEqualsEnd_ReturnsWholeRing()
    {
        var (table, hashes) = await StartTableWithGrainsAsync();

        var rows = await table.ReadRows(hashes[7], hashes[7]);

        Assert.Equal(hashes, HashesOf(rows));
    }

    [Fact]
    public async Task ReadRows_FullRangeFromZeroToMax_ReturnsAllButHashZero()
    {
        var (table, hashes) = await StartTableWithGrainsAsync();

        var rows = await table.ReadRows(0, uint.MaxValue);

        Assert.Equal(hashes.Where(h => h != 0), HashesOf(rows));
    }

    [Fact]
    public async Task UpsertRow_ThenNewTableOnSameFile_RowIsPersisted()
    {
        var first = await StartTableAsync();
        var etag = await first.UpsertRow(Entry(Grain("a"), "r1", TimeSpan.FromMinutes(3)));
        await first.StopAsync();

        var second = await StartTableAsync();

        Assert.Equal(etag, (await second.ReadRow(Grain("a"), "r1"))?.ETag);
    }

    [Fact]
    public async Task TestOnlyClearTable_WithRows_LeavesNoRows()
    {
        var (table, _) = await StartTableWithGrainsAsync();

        await table.TestOnlyClearTable();

        Assert.Empty((await table.ReadRows(0, 0)).Reminders);
    }

    public void Dispose()
    {
        foreach (var table in _started)
        {
            table.StopAsync().GetAwaiter().GetResult();
        }

        _database.Dispose();
    }

    private static GrainId Grain(string key) => GrainId.Create("remindable", key);

    private static ReminderEntry Entry(GrainId grain, string name, TimeSpan period) => new()
    {
        GrainId = grain,
        ReminderName = name,
        // Whole milliseconds in UTC, as Orleans hands them; the table keeps ticks so they compare exactly.
        StartAt = new DateTime(2030, 1, 2, 3, 4, 5, 678, DateTimeKind.Utc),
        Period = period,
    };

    private static uint[] HashesOf(ReminderTableData rows) =>
        [.. rows.Reminders.Select(r => r.GrainId.GetUniformHashCode()).Order()];

    private async Task<(SqliteReminderTable Table, uint[] SortedHashes)> StartTableWithGrainsAsync()
    {
        var table = await StartTableAsync();
        var grains = Enumerable.Range(0, 21).Select(i => Grain($"g{i}")).ToArray();
        foreach (var grain in grains)
        {
            await table.UpsertRow(Entry(grain, "r", TimeSpan.FromMinutes(1)));
        }

        var hashes = grains.Select(g => g.GetUniformHashCode()).Order().ToArray();
        Assert.Equal(hashes.Length, hashes.Distinct().Count());
        // Hashes are unsigned: some must lie above int.MaxValue for the range tests to cover that half of the ring.
        Assert.Contains(hashes, h => h > int.MaxValue);
        return (table, hashes);
    }

    private async Task<SqliteReminderTable> StartTableAsync()
    {
        var table = new SqliteReminderTable(new SqliteStorageOptions { DatabasePath = _database.FilePath }, NullLogger<SqliteReminderTable>.Instance);
        await table.StartAsync();
        _started.Add(table);
        return table;
    }
}
