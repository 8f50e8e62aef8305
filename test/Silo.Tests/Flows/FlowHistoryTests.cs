using MicroSeg.Grains.Flows;
using MicroSeg.Grains.Interfaces.Flows;
using MicroSeg.Silo.Flows;
using MicroSeg.Silo.Storage;
using MicroSeg.Silo.Tests.Storage;
using MicroSeg.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace MicroSeg.Silo.Tests.Flows;

/// <summary>The same behaviour from both flow-history stores: filters, newest-first pages, following, retention, reopening.</summary>
[Collection(PostgresCollection.Name)]
public sealed class FlowHistoryTests(PostgresFixture server) : IDisposable
{
    private static readonly DateTimeOffset T = new(2026, 12, 6, 4, 0, 0, TimeSpan.Zero);
    private readonly string _directory = Directory.CreateTempSubdirectory("microseg-flows-").FullName;

    public static TheoryData<string> Stores => ["sqlite", "postgresql"];

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Query_FiltersPagesAndFollows_NewestFirst(string store)
    {
        var (history, reopen) = await OpenAsync(store);
        await history.AppendAsync([Flow("a", "b", "allow", "p1", T), Flow("c", "b", "deny", "p1", T.AddSeconds(5)), Flow("a", null, "allow", null, T.AddSeconds(10))], default);

        var all = await history.QueryAsync(new FlowQuery(), default);
        Assert.Equal(["198.18.0.0", "b", "b"], all.Items.Select(f => f.Dst.Workload ?? f.Dst.Address));
        Assert.Null(all.Next);
        Assert.Equal(all.Items[0], all.Items[0] with { Src = new FlowEndpoint("a", "default", "198.18.0.1"), Dst = new FlowEndpoint(null, null, "198.18.0.0", 80), Policy = null });
        Assert.Equal(T.AddSeconds(10), all.Items[0].LastSeen);

        Assert.Single((await history.QueryAsync(new FlowQuery(Dst: "b", Verdict: "deny"), default)).Items);
        Assert.Equal(2, (await history.QueryAsync(new FlowQuery(Src: "a"), default)).Items.Count);
        Assert.Equal(2, (await history.QueryAsync(new FlowQuery(Policy: "p1"), default)).Items.Count);
        Assert.Equal(3, (await history.QueryAsync(new FlowQuery(Namespace: "default"), default)).Items.Count);
        Assert.Single((await history.QueryAsync(new FlowQuery(Since: T.AddSeconds(9)), default)).Items);
        Assert.Single((await history.QueryAsync(new FlowQuery(Until: T.AddSeconds(-1)), default)).Items);

        var first = await history.QueryAsync(new FlowQuery(Limit: 2), default);
        Assert.Equal(2, first.Items.Count);
        var second = await history.QueryAsync(new FlowQuery(Limit: 2, Before: first.Next), default);
        Assert.Equal([all.Items[2].Id], second.Items.Select(f => f.Id));
        Assert.Null(second.Next);

        var latest = await history.GetLatestIdAsync(default);
        Assert.Equal(all.Items[0].Id, latest);
        await history.AppendAsync([Flow("c", "b", "deny", "p1", T.AddSeconds(20))], default);
        var followed = await history.QueryAsync(new FlowQuery(After: latest), default);
        Assert.Equal("c", Assert.Single(followed.Items).Src.Workload);

        // Durable: a store opened again on the same file or database reads the same records.
        var again = reopen();
        Assert.Equal(4, (await again.QueryAsync(new FlowQuery(), default)).Items.Count);
        (again as IDisposable)?.Dispose();
        (history as IDisposable)?.Dispose();
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Trim_ByAgeThenByCount_KeepsTheNewest(string store)
    {
        var (history, _) = await OpenAsync(store);
        await history.AppendAsync([.. Enumerable.Range(0, 10).Select(i => Flow("a", "b", "allow", "p1", T.AddMinutes(i)))], default);

        Assert.Equal(3, await history.TrimAsync(T.AddMinutes(3), 100, default));
        Assert.Equal(7, (await history.QueryAsync(new FlowQuery(), default)).Items.Count);
        Assert.Equal(4, await history.TrimAsync(T, 3, default));
        var left = (await history.QueryAsync(new FlowQuery(), default)).Items;
        Assert.Equal([T.AddMinutes(9), T.AddMinutes(8), T.AddMinutes(7)], left.Select(f => f.LastSeen));
        (history as IDisposable)?.Dispose();
    }

    private async Task<(IFlowHistory History, Func<IFlowHistory> Reopen)> OpenAsync(string store)
    {
        if (store == "sqlite")
        {
            var path = Path.Combine(_directory, "flows.db");
            return (new SqliteFlowHistory(path), () => new SqliteFlowHistory(path));
        }
        var database = await PostgresTestDatabases.CreateAsync(server, "flows");
        await PostgresSchema.ApplyAsync(database, NullLogger.Instance, CancellationToken.None);
        return (new PostgresFlowHistory(database), () => new PostgresFlowHistory(database));
    }

    private static FlowRecord Flow(string src, string? dst, string verdict, string? policy, DateTimeOffset lastSeen) =>
        new(0, lastSeen.AddSeconds(-2), lastSeen, "n1", new FlowEndpoint(src, "default", "198.18.0.1"),
            new FlowEndpoint(dst, dst is null ? null : "default", dst is null ? "198.18.0.0" : "198.18.0.2", 80), "TCP", verdict, policy,
            policy is null ? "no-policy" : "rule", 2, 6, 0);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
