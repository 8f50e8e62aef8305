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
public sealed class ClusterBlackBoxTests(PostgresFixture postgres, ITestOutputHelper output) : IClassFixture<PostgresFixture>, IAsyncLifetime
{
    private const int Workloads = 500;
    private static readonly TimeSpan s_readBackDeadline = TimeSpan.FromSeconds(30);
    private readonly List<(ChildProcess Process, SiloApi Api)> _silos = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var (process, api) in _silos)
        {
            await process.StopAsync(TimeSpan.FromSeconds(10));
            process.Dispose();
            api.Dispose();
        }
    }

    [Fact]
    public async Task Workloads_SiloKilledWithSigkill_AllReadBackThroughAnotherSiloWithin30s()
    {
        await StartSilosAsync(3);
        var (first, killed, third) = (_silos[0].Api, _silos[1].Process, _silos[2].Api);
        var ids = Enumerable.Range(0, Workloads).Select(i => $"bb-{i:D3}").ToList();

        await ForEachAsync(ids, async id =>
        {
            // No retry: a silo reports healthy only after the silos it knows acknowledged it, so once all three are
            // up every view agrees and no write meets a duplicate activation's ETag conflict (which answered 500).
            using var response = await first.SendAsync(HttpMethod.Put, $"/api/v1/workloads/{id}", Workload(id));
            Assert.True(response.IsSuccessStatusCode, $"PUT {id} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}\n{Tails()}");
        });
        output.WriteLine($"{Workloads} workloads written through silo 1; kill -9 silo 2 (pid {killed.Pid})");
        await killed.KillAsync();

        var clock = Stopwatch.StartNew();
        var missing = new ConcurrentDictionary<string, string>(ids.Select(id => KeyValuePair.Create(id, "not read yet")));
        var listed = false;
        while (!missing.IsEmpty || !listed)
        {
            Assert.True(clock.Elapsed < s_readBackDeadline,
                $"after {clock.Elapsed.TotalSeconds:0} s, {missing.Count} workloads still unreadable through silo 3 (list read: {listed}), e.g. "
                + string.Join("; ", missing.Take(3).Select(m => $"{m.Key}: {m.Value}")) + "\n" + Tails());
            await ForEachAsync([.. missing.Keys], async id =>
            {
                using var response = await third.SendAsync(HttpMethod.Get, $"/api/v1/workloads/{id}");
                var body = await response.Content.ReadAsStringAsync();
                if (response.StatusCode == HttpStatusCode.OK && JsonNode.Parse(body)!["addresses"]![0]!.GetValue<string>() == Address(id))
                    missing.TryRemove(id, out _);
                else
                    missing[id] = $"{(int)response.StatusCode} {body[..Math.Min(body.Length, 200)]}";
            });
            listed = listed || await ListHoldsAllAsync(third, ids);
            if (!missing.IsEmpty || !listed)
                await Task.Delay(250);
        }

        output.WriteLine($"all {Workloads} read back through silo 3 (one by one and in the list) {clock.Elapsed.TotalSeconds:0.0} s after the kill");
    }

    private async Task StartSilosAsync(int count)
    {
        for (var i = 1; i <= count; i++)
        {
            var http = $"http://127.0.0.1:{FreePorts.Next()}";
            var process = ChildProcess.Start($"silo{i}", RepoPaths.Silo, "--postgres", postgres.ConnectionString,
                "--silo-port", $"{FreePorts.Next()}", "--gateway-port", $"{FreePorts.Next()}", "--http", http, "--name", $"bb-silo-{i}");
            _silos.Add((process, new SiloApi(new Uri(http))));
        }

        await Task.WhenAll(_silos.Select(s => s.Api.WaitHealthyAsync(s.Process, TimeSpan.FromSeconds(60))));
        // Every silo's membership view holds the three before the writes, so placement is settled.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        foreach (var (process, api) in _silos)
        {
            while (true)
            {
                var cluster = await api.SendOkAsync(HttpMethod.Get, "/api/v1/cluster");
                var silos = cluster!["silos"]!.AsArray();
                if (silos.Count == count && silos.All(s => s!["status"]!.GetValue<string>() == "Active" && s["error"] is null))
                {
                    Assert.Equal(Enumerable.Range(1, count).Select(i => $"bb-silo-{i}"), silos.Select(s => s!["name"]!.GetValue<string>()).Order());
                    break;
                }
                Assert.True(DateTime.UtcNow < deadline, $"{process.Name} does not see {count} active silos: {cluster.ToJsonString()}\n{Tails()}");
                await Task.Delay(200);
            }
        }
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

    private string Tails() => string.Join('\n', _silos.Select(s => s.Process.Tail(20)));
}
