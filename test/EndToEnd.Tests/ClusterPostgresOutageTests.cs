using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using MicroSeg.EndToEnd.Tests.Infrastructure;
using MicroSeg.Testing;
using Xunit.Abstractions;

namespace MicroSeg.EndToEnd.Tests;

/// <summary>
/// Three real microseg-silo processes while their PostgreSQL goes away for 30 s and comes back: the processes stay
/// up, reads of active grains go on, writes answer 503 problem+json with Retry-After (never 500, never a hang), and
/// once the database is back writes succeed again and nothing written before is lost. Needs 'make build'.
/// </summary>
[Collection(RealClusterCollection.Name)]
public sealed class ClusterPostgresOutageTests(PostgresFixture postgres, ITestOutputHelper output) : IClassFixture<PostgresFixture>, IAsyncLifetime
{
    private const int Workloads = 60;
    private static readonly TimeSpan s_outage = TimeSpan.FromSeconds(30);

    /// <summary>Longest any single request may take, outage or not: a client must get an answer, not a hang.</summary>
    private static readonly TimeSpan s_requestTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How soon after PostgreSQL is back every silo must accept writes again.</summary>
    private static readonly TimeSpan s_recoveryDeadline = TimeSpan.FromSeconds(30);

    private readonly SiloCluster _cluster = new(postgres, "po-silo");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Silos_PostgresStoppedFor30s_StayUpReadAnswer503ForWritesAndRecover()
    {
        await _cluster.StartAsync(3);
        var pids = _cluster.Silos.Select(s => s.Process.Pid).ToArray();
        var ids = Enumerable.Range(0, Workloads).Select(i => $"po-{i:D3}").ToList();
        foreach (var id in ids)
            await _cluster.Silos[0].Api.SendOkAsync(HttpMethod.Put, $"/api/v1/workloads/{id}", Workload(id, Address(id)));
        foreach (var (_, api) in _cluster.Silos)
            await AssertReadsAsync(api, ids, "before the outage");

        postgres.Stop();
        var outage = Stopwatch.StartNew();
        var (reads, refused, slowest) = (0, 0, TimeSpan.Zero);
        try
        {
            for (var round = 0; outage.Elapsed < s_outage; round++)
            {
                var (_, api) = _cluster.Silos[round % 3];
                // Active grains answer from memory: the database is not on the read path.
                var sample = ids.Skip(round * 7 % Workloads).Take(7).ToList();
                await AssertReadsAsync(api, sample, $"{outage.Elapsed.TotalSeconds:0.0} s into the outage");
                reads += sample.Count;
                // A new workload (its activation cannot load state) and a change to an existing one (its write fails).
                var existing = ids[round % Workloads];
                foreach (var (id, body) in new[] { ($"po-new-{round}", Workload($"po-new-{round}", $"198.19.0.{round % 250 + 1}")),
                                                   (existing, Workload(existing, $"198.19.1.{round % 250 + 1}")) })
                {
                    var took = await AssertUnavailableAsync(api, id, body, outage);
                    slowest = took > slowest ? took : slowest;
                    refused++;
                }
                AssertSameProcesses(pids);
                await Task.Delay(250);
            }
        }
        finally
        {
            postgres.Start();
        }
        output.WriteLine($"PostgreSQL down {outage.Elapsed.TotalSeconds:0.0} s: {reads} reads answered 200, {refused} writes answered 503 "
            + $"with Retry-After (slowest {slowest.TotalMilliseconds:0} ms)");

        var recovery = Stopwatch.StartNew();
        var recovered = new List<string>();
        foreach (var (process, api) in _cluster.Silos)
        {
            var id = $"po-after-{process.Name}";
            await WriteWhenBackAsync(api, id, recovery);
            recovered.Add(id);
        }
        output.WriteLine($"every silo accepted writes {recovery.Elapsed.TotalSeconds:0.0} s after PostgreSQL was back");

        foreach (var (_, api) in _cluster.Silos)
        {
            await AssertReadsAsync(api, [.. ids, .. recovered], "after the outage");
            var listed = (await api.SendOkAsync(HttpMethod.Get, "/api/v1/workloads"))!.AsArray().Select(w => w!["id"]!.GetValue<string>()).ToHashSet();
            Assert.Superset(new HashSet<string>([.. ids, .. recovered]), listed);
        }
        AssertSameProcesses(pids);
    }

    /// <summary>A PUT during the outage: 503 problem+json with Retry-After, within the request timeout.</summary>
    private async Task<TimeSpan> AssertUnavailableAsync(SiloApi api, string id, object body, Stopwatch outage)
    {
        var clock = Stopwatch.StartNew();
        using var timeout = new CancellationTokenSource(s_requestTimeout);
        HttpResponseMessage response;
        try
        {
            response = await api.SendAsync(HttpMethod.Put, $"/api/v1/workloads/{id}", body, timeout.Token);
        }
        catch (TaskCanceledException) when (timeout.IsCancellationRequested)
        {
            Assert.Fail($"PUT {id} {outage.Elapsed.TotalSeconds:0.0} s into the outage did not answer within {s_requestTimeout.TotalSeconds} s\n{_cluster.Tails()}");
            throw;
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable,
                $"PUT {id} {outage.Elapsed.TotalSeconds:0.0} s into the outage answered {(int)response.StatusCode}: {text}\n{_cluster.Tails()}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(503, JsonNode.Parse(text)!["status"]!.GetValue<int>());
            Assert.True(response.Headers.RetryAfter?.Delta is { } retry && retry > TimeSpan.Zero, $"PUT {id}: 503 without a Retry-After delay");
        }
        return clock.Elapsed;
    }

    /// <summary>Retries a PUT through <paramref name="api"/> while it answers 503, until the recovery deadline.</summary>
    private async Task WriteWhenBackAsync(SiloApi api, string id, Stopwatch recovery)
    {
        while (true)
        {
            using var timeout = new CancellationTokenSource(s_requestTimeout);
            using var response = await api.SendAsync(HttpMethod.Put, $"/api/v1/workloads/{id}", Workload(id, Address(id)), timeout.Token);
            if (response.IsSuccessStatusCode)
                return;
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable,
                $"PUT {id} after the outage answered {(int)response.StatusCode}: {text}\n{_cluster.Tails()}");
            Assert.True(recovery.Elapsed < s_recoveryDeadline,
                $"PUT {id} still answers 503 {recovery.Elapsed.TotalSeconds:0} s after PostgreSQL came back: {text}\n{_cluster.Tails()}");
            await Task.Delay(500);
        }
    }

    private async Task AssertReadsAsync(SiloApi api, IEnumerable<string> ids, string when)
    {
        foreach (var id in ids)
        {
            using var timeout = new CancellationTokenSource(s_requestTimeout);
            using var response = await api.SendAsync(HttpMethod.Get, $"/api/v1/workloads/{id}", cancellationToken: timeout.Token);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {id} {when} answered {(int)response.StatusCode}: {text}\n{_cluster.Tails()}");
            Assert.Equal(Address(id), JsonNode.Parse(text)!["addresses"]![0]!.GetValue<string>());
        }
    }

    private void AssertSameProcesses(int[] pids)
    {
        for (var i = 0; i < pids.Length; i++)
        {
            var process = _cluster.Silos[i].Process;
            Assert.False(process.HasExited, $"{process.Name} (pid {pids[i]}) exited with {(process.HasExited ? process.ExitCode : 0)}\n{process.Tail()}");
            Assert.Equal(pids[i], process.Pid);
        }
    }

    private static object Workload(string id, string address) => new
    {
        node = "n1",
        addresses = new[] { address },
        labels = new Dictionary<string, string> { ["app"] = id.StartsWith("po-new", StringComparison.Ordinal) ? "po-new" : "po" },
    };

    /// <summary>The address each workload was written with before the outage (or after it).</summary>
    private static string Address(string id) => id.StartsWith("po-after-silo", StringComparison.Ordinal)
        ? $"198.18.21.{id["po-after-silo".Length..]}"
        : $"198.18.20.{int.Parse(id[3..]) + 1}";
}
