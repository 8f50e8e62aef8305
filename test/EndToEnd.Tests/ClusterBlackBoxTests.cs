using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using MicroSeg.EndToEnd.Tests.Infrastructure;
using MicroSeg.Testing;
using Xunit.Abstractions;

namespace MicroSeg.EndToEnd.Tests;

/// <summary>
/// Three real microseg-silo processes on one private PostgreSQL: state written through one silo survives the
/// kill -9 of another and reads back through the third. Needs 'make build' (out/bin/microseg-silo).
/// </summary>
[Collection(RealClusterCollection.Name)]
public sealed class ClusterBlackBoxTests(PostgresFixture postgres, ITestOutputHelper output) : IClassFixture<PostgresFixture>, IAsyncLifetime
{
    private const int Workloads = 500;

    /// <summary>Orleans' SiloStatus values as the membership table stores them.</summary>
    private const int Active = 3, Dead = 6;

    /// <summary>
    /// Membership declares a dead silo in about 1-2 s (probe timeout 1 s, two missed probes); the grains it held
    /// re-activate elsewhere on their next call. 10 s leaves room for a loaded machine, not for a slow failover.
    /// </summary>
    private static readonly TimeSpan s_readBackDeadline = TimeSpan.FromSeconds(10);

    private readonly SiloCluster _cluster = new(postgres, "bb-silo");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Workloads_SiloKilledWithSigkill_AllReadBackThroughAnotherSiloWithin10s()
    {
        await _cluster.StartAsync(3);
        var (first, killed, third) = (_cluster.Silos[0].Api, _cluster.Silos[1].Process, _cluster.Silos[2].Api);
        Assert.Equal(3L, await ActiveRowsAsync());
        await AssertDashboardAsync(third);
        var ids = Enumerable.Range(0, Workloads).Select(i => $"bb-{i:D3}").ToList();

        await ForEachAsync(ids, async id =>
        {
            // No retry: a silo reports healthy only after the silos it knows acknowledged it, so once all three are
            // up every view agrees and no write meets a duplicate activation's ETag conflict (which answered 500).
            using var response = await first.SendAsync(HttpMethod.Put, $"/api/v1/workloads/{id}", Workload(id));
            Assert.True(response.IsSuccessStatusCode, $"PUT {id} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}\n{_cluster.Tails()}");
        });
        output.WriteLine($"{Workloads} workloads written through silo 1; kill -9 silo 2 (pid {killed.Pid})");
        await killed.KillAsync();

        var clock = Stopwatch.StartNew();
        using var stopWatching = new CancellationTokenSource();
        var declared = WaitDeclaredDeadAsync(_cluster.NameOf(1), clock, stopWatching.Token);
        TimeSpan readBack, declaredAfter;
        try
        {
            readBack = await ReadBackAsync(third, ids, clock, declared);
            // The dead silo's row must flip too: reads may succeed before that (grains that lived elsewhere), but the
            // figure only means something if membership, not luck, moved the killed silo's grains.
            declaredAfter = await declared.WaitAsync(s_readBackDeadline);
        }
        finally
        {
            await stopWatching.CancelAsync();
        }
        output.WriteLine($"silo 2 declared Dead in the membership table {declaredAfter.TotalSeconds:0.0} s after the kill; all {Workloads} "
            + $"read back through silo 3 (one by one and in the list) {readBack.TotalSeconds:0.0} s after the kill");
        Assert.Equal(2L, await ActiveRowsAsync());
    }

    /// <summary>Reads every workload, one by one and in the list, through <paramref name="api"/> until all answer right.</summary>
    private async Task<TimeSpan> ReadBackAsync(SiloApi api, List<string> ids, Stopwatch clock, Task<TimeSpan> declared)
    {
        var missing = new ConcurrentDictionary<string, string>(ids.Select(id => KeyValuePair.Create(id, "not read yet")));
        var listed = false;
        while (!missing.IsEmpty || !listed)
        {
            Assert.True(clock.Elapsed < s_readBackDeadline,
                $"after {clock.Elapsed.TotalSeconds:0.0} s, {missing.Count} workloads still unreadable through silo 3 (list read: {listed}; "
                + $"silo 2 declared dead: {(declared.IsCompletedSuccessfully ? $"after {declared.Result.TotalSeconds:0.0} s" : "not yet")}), e.g. "
                + string.Join("; ", missing.Take(3).Select(m => $"{m.Key}: {m.Value}")) + "\n" + _cluster.Tails());
            await ForEachAsync([.. missing.Keys], async id =>
            {
                using var response = await api.SendAsync(HttpMethod.Get, $"/api/v1/workloads/{id}");
                var body = await response.Content.ReadAsStringAsync();
                if (response.StatusCode == HttpStatusCode.OK && JsonNode.Parse(body)!["addresses"]![0]!.GetValue<string>() == Address(id))
                    missing.TryRemove(id, out _);
                else
                    missing[id] = $"{(int)response.StatusCode} {body[..Math.Min(body.Length, 200)]}";
            });
            listed = listed || await ListHoldsAllAsync(api, ids);
            if (!missing.IsEmpty || !listed)
                await Task.Delay(250);
        }
        return clock.Elapsed;
    }

    /// <summary>Rows of the stock Orleans membership table that are Active now.</summary>
    private Task<long> ActiveRowsAsync() =>
        postgres.ScalarAsync<long>($"SELECT count(*) FROM OrleansMembershipTable WHERE Status = {Active}");

    /// <summary>Polls the membership table until the silo's row says Dead; returns the time on the clock then.</summary>
    private async Task<TimeSpan> WaitDeclaredDeadAsync(string siloName, Stopwatch clock, CancellationToken cancellationToken)
    {
        while (true)
        {
            var dead = await postgres.ScalarAsync<long>(
                $"SELECT count(*) FROM OrleansMembershipTable WHERE SiloName = '{siloName}' AND Status = {Dead}", cancellationToken);
            if (dead > 0)
                return clock.Elapsed;
            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>/dashboard serves the Orleans dashboard (Microsoft.Orleans.Dashboard) page and its script.</summary>
    private async Task AssertDashboardAsync(SiloApi api)
    {
        using var page = await api.SendAsync(HttpMethod.Get, "/dashboard");
        var html = await page.Content.ReadAsStringAsync();
        Assert.True(page.StatusCode == HttpStatusCode.OK, $"/dashboard answered {(int)page.StatusCode}: {html[..Math.Min(html.Length, 300)]}");
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<title>Orleans Dashboard</title>", html);
        using var script = await api.SendAsync(HttpMethod.Get, "/dashboard/index.min.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
    }

    private static async Task<bool> ListHoldsAllAsync(SiloApi api, List<string> ids)
    {
        using var response = await api.SendAsync(HttpMethod.Get, "/api/v1/workloads");
        if (!response.IsSuccessStatusCode)
            return false;
        var listed = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray().Select(w => w!["id"]!.GetValue<string>()).ToHashSet();
        return ids.All(listed.Contains);
    }

    private static Task ForEachAsync(IEnumerable<string> ids, Func<string, Task> action) =>
        Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (id, _) => await action(id));

    private static object Workload(string id) => new
    {
        node = "n1",
        addresses = new[] { Address(id) },
        labels = new Dictionary<string, string> { ["app"] = $"bb-{int.Parse(id[3..]) % 5}" },
    };

    private static string Address(string id)
    {
        var i = int.Parse(id[3..]);
        return $"198.18.{i / 200 + 1}.{i % 200 + 1}";
    }
}
