using System.Net.Http.Json;
using MicroSeg.Benchmarks.Load;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Workloads;

namespace MicroSeg.Benchmarks.Writes;

/// <summary>
/// Writes/s and latency of <c>PUT /api/v1/workloads/{id}</c> on one embedded silo (SQLite storage, as
/// <c>make run</c>) as the number of existing workloads grows. The silo is filled through the grains up to each
/// count in turn; then concurrent HTTP clients replace random existing workloads, each PUT flipping the
/// workload's "tier" label so that it takes a new identity (the heavier kind of write: the identity allocator,
/// the index and the fan-out all change). One warm-up period, then the rounds; writes/s is the median round,
/// p50/p99 pool every measured PUT.
/// Usage: writes [--workloads 1000,10000,50000] [--clients 32] [--seconds 5] [--rounds 3] [--nodes 100] [--policies 100] [--markdown FILE]
/// </summary>
internal static class WritesCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var counts = Args.Ints(args, "--workloads", "1000,10000,50000");
        var clients = Args.Int(args, "--clients", 32);
        var seconds = Args.Int(args, "--seconds", 5);
        var rounds = Args.Int(args, "--rounds", 3);
        var nodes = Args.Int(args, "--nodes", 100);
        var policies = Args.Int(args, "--policies", 100);
        var markdown = Args.Get(args, "--markdown", "");

        var lines = new List<string>
        {
            $"PUT /api/v1/workloads/{{id}}, one embedded silo (SQLite), {clients} clients, {nodes} nodes, {policies} policies, "
                + $"{rounds} rounds of {seconds} s; {Machine.Now()}, load average at start {Machine.LoadAverage()}",
            "",
            "| existing workloads | writes/s (rounds) | p50 | p99 | CPU per write | live heap after (per workload more than the first level) | fill time | load average after |",
            "|---:|---:|---:|---:|---:|---:|---:|---|",
        };
        Console.WriteLine(string.Join('\n', lines));

        await using var silo = await EmbeddedSilo.StartAsync();
        using var http = await BenchmarkApiClient.CreateAsync(silo.Grains, silo.Api, TimeSpan.FromMinutes(2));
        await Parallel.ForEachAsync(Enumerable.Range(0, policies), new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (i, _) => await silo.Grains.GetGrain<IPolicyGrain>($"p{i}").SetAsync(Policy(i)));

        var filled = 0;
        (int Count, long Bytes)? firstLive = null;
        var flips = new int[counts.Max()];
        foreach (var count in counts.Order())
        {
            var fill = System.Diagnostics.Stopwatch.StartNew();
            await Parallel.ForEachAsync(Enumerable.Range(filled, Math.Max(0, count - filled)), new ParallelOptions { MaxDegreeOfParallelism = clients },
                async (i, _) => await silo.Grains.GetGrain<IWorkloadGrain>($"w{i}").SetAsync(Workload(i, nodes, tier: 0)));
            filled = Math.Max(filled, count);
            fill.Stop();
            Console.Error.WriteLine($"filled {count:N0} workloads in {fill.Elapsed.TotalSeconds:F0} s; measuring");

            async Task Put(int caller, long n)
            {
                var i = Random.Shared.Next(count);
                var spec = Workload(i, nodes, tier: Interlocked.Increment(ref flips[i]) & 1);
                using var response = await http.PutAsJsonAsync($"/api/v1/workloads/{spec.Id}", spec);
                response.EnsureSuccessStatusCode();
            }

            await ClosedLoop.RunAsync(clients, TimeSpan.FromSeconds(2), Put); // warm-up
            var runs = new List<LoadResult>();
            // CPU per write (silo and HTTP clients share this process) tells what a write costs even when other
            // work on the machine takes cores from the rounds and moves writes/s.
            var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
            var (paused, gen0, gen1, gen2) = (GC.GetTotalPauseDuration(), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
            for (var r = 0; r < rounds; r++)
                runs.Add(await ClosedLoop.RunAsync(clients, TimeSpan.FromSeconds(seconds), Put));
            cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu;
            // How much of a level's time the process spent paused by the GC: a heap of more activations costs more per collection.
            Console.Error.WriteLine($"  {count:N0}: GC paused {(GC.GetTotalPauseDuration() - paused).TotalMilliseconds:F0} ms in {rounds * seconds} s, "
                + $"{GC.CollectionCount(0) - gen0}/{GC.CollectionCount(1) - gen1}/{GC.CollectionCount(2) - gen2} collections (gen 0/1/2 counts), heap {GC.GetGCMemoryInfo().HeapSizeBytes / 1e6:F0} MB");
            // What the silo keeps per workload (activations, state, tables), after the level's rounds so as not to
            // disturb them: a full collection, then the live heap (benchmark clients included; they hold little).
            var live = GC.GetTotalMemory(forceFullCollection: true);
            firstLive ??= (count, live);
            var growth = count > firstLive.Value.Count ? $"{(live - firstLive.Value.Bytes) / 1e3 / (count - firstLive.Value.Count):F1} kB" : "-";
            var result = LoadResult.Combine(runs);
            var cpuPerWrite = cpu.TotalMilliseconds / runs.Sum(r => r.Operations);
            var line = $"| {count:N0} | **{result.PerSecond:F0}** ({string.Join(" / ", runs.Select(r => r.PerSecond.ToString("F0")))}) | "
                + $"{result.PercentileMs(50):F1} ms | {result.PercentileMs(99):F1} ms | {cpuPerWrite:F2} ms | {live / 1e6:F0} MB ({growth}) | {fill.Elapsed.TotalSeconds:F0} s | {Machine.LoadAverage()} |";
            Console.WriteLine(line);
            lines.Add(line);
        }

        if (markdown.Length > 0)
            await File.WriteAllLinesAsync(markdown, lines);
        return 0;
    }

    private static WorkloadSpec Workload(int i, int nodes, int tier) => new()
    {
        Id = $"w{i}",
        Node = $"n{i % nodes}",
        Interface = $"wl{i}",
        Addresses = [$"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}"],
        Labels = new Dictionary<string, string>
        {
            ["app"] = $"app{i % 50}",
            ["env"] = i % 2 == 0 ? "prod" : "dev",
            ["tier"] = tier == 0 ? "blue" : "green",
        },
    };

    // One app may reach the next on one port, as in the policy-latency benchmark.
    private static PolicySpec Policy(int i) => new()
    {
        Id = $"p{i}",
        Selector = new LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = $"app{i % 50}" } },
        Ingress =
        [
            new PolicyRule
            {
                From = [new PolicyPeer { Selector = new LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = $"app{(i + 1) % 50}" } } }],
                Ports = [new PolicyPort { Protocol = "TCP", Port = 1000 + i }],
            },
        ],
    };
}
