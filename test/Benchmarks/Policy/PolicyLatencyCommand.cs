using MicroSeg.Testing.Sockets;
using MicroSeg.Benchmarks.Load;
using System.Diagnostics;
using System.Runtime;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using MicroSeg.Api;
using MicroSeg.Grains;
using MicroSeg.Grains.Nodes;
using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Workloads;
using MicroSeg.Silo.Hosting;
using MicroSeg.Silo.Storage;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MicroSeg.Benchmarks.Policy;

/// <summary>
/// Latency from a REST label change to the moment every node's agent has the new rules, with many
/// agents and a large cluster: an in-process silo with the REST API on loopback HTTP, N agents as
/// cluster clients over TCP that program memory (<see cref="MemoryAgent"/>) or, the first few, the kernel, W workloads and
/// P policies, plus one policy that selects every workload and admits app=hot, so every node names the
/// "hot" identity. Each measured change relabels one workload into app=hot: its address must reach
/// every node's ipcache with that identity (a full fan-out); it is then put back, unmeasured. Changes made the same
/// way before the measured ones (--warmup, 20 by default) warm up the JIT and caches: a silo that just started tiers
/// up its code over its first ten or so changes, which a long-running silo has behind it; their largest latency is
/// reported in a column of its own.
/// The agents run in a process of their own by default, as they run apart from the silo when deployed (the silo's
/// process CPU per change is then the silo's alone); --agents inline runs them in the silo's process.
/// Usage: policy-latency [--placement by-identity|spread] [--nodes 10,100] [--workloads 10000] [--policies 1000] [--changes 30] [--warmup 20] [--real-agents 2] [--storage sqlite|memory] [--agents process|inline|process,inline]
/// </summary>
internal static class PolicyLatencyCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var nodes = Arg(args, "--nodes", "10,100").Split(',').Select(int.Parse).ToArray();
        var workloads = int.Parse(Arg(args, "--workloads", "10000"));
        var policies = int.Parse(Arg(args, "--policies", "1000"));
        var changes = int.Parse(Arg(args, "--changes", "30"));
        var real = int.Parse(Arg(args, "--real-agents", "2"));
        var warmup = int.Parse(Arg(args, "--warmup", "20"));
        if (warmup < 0)
            throw new ArgumentException($"--warmup {warmup}: expected 0 or more changes.");
        var storage = Arg(args, "--storage", "sqlite");
        if (storage is not ("sqlite" or "memory"))
            throw new ArgumentException($"--storage '{storage}': expected sqlite (the embedded silo's grain storage) or memory.");
        Console.WriteLine($"storage and policy-change stream: {storage}");
        var spread = Arg(args, "--placement", "by-identity") switch
        {
            "by-identity" => false,
            "spread" => true,
            var other => throw new ArgumentException($"--placement '{other}': expected by-identity (workload i on node i mod N: every node's workloads share one identity) or spread (runs of 7 consecutive workloads per node: each identity on many nodes, each node with many identities)."),
        };
        var placements = Arg(args, "--agents", "process").Split(',');
        if (placements.Any(p => p is not ("process" or "inline")))
            throw new ArgumentException($"--agents '{Arg(args, "--agents", "process")}': expected process (a process of their own, as deployed), inline (in the silo's process) or both, comma-separated.");
        // The JIT settings a deployed silo runs with (docs/architecture.md, "The silo's runtime"): figures taken without
        // them show the JIT still tiering up, not the silo as it runs.
        var pgo = AppContext.GetData("System.Runtime.TieredPGO") as string ?? "default (on)";
        var delay = Environment.GetEnvironmentVariable("DOTNET_TC_CallCountingDelayMs") ?? "unset (100 ms)";
        Console.Error.WriteLine($"  runtime: TieredPGO {pgo}, DOTNET_TC_CallCountingDelayMs {delay}{(delay == "0" ? "" : "; deployments set 0 (deploy/), scripts/bench.sh does too")}");
        Console.WriteLine($"| agents (real) | agents run in | workloads | policies | changes | per-node p50 | per-node p99 | all-nodes p50 | all-nodes p99 | real agents p50 / p99 | CPU per change: silo | agents | preload | warm-up changes: all-nodes max |");
        Console.WriteLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var n in nodes)
        {
            foreach (var placement in placements)
                Console.WriteLine(await MeasureAsync(n, Math.Min(real, n), workloads, policies, changes, warmup, storage, placement == "process", spread));
        }
        return 0;
    }

    private static async Task<string> MeasureAsync(int nodeCount, int realCount, int workloadCount, int policyCount, int changes, int warmup, string storage, bool separate, bool spread)
    {
        var data = Directory.CreateTempSubdirectory("microseg-latency-");
        // Interfaces of this run only (a dummy per endpoint of a real agent's node), named so no two runs collide.
        var prefix = $"msl{Random.Shared.Next(0x100):x2}";
        var pinRoot = $"/sys/fs/bpf/microseg-bench-{prefix}";
        int NodeOf(int i) => (spread ? i / 7 : i) % nodeCount;
        WorkloadSpec Workload(int i, int app) => WorkloadOf(i, NodeOf(i), app, prefix);
        using var dummies = EndpointInterfaces.Create(
            Enumerable.Range(0, workloadCount).Where(i => NodeOf(i) < realCount).Select(i => Workload(i, 0).Interface!).ToList());
        var httpPort = LoopbackPorts.Free();
        var gatewayPort = LoopbackPorts.Free();
        // The product's content root (Silo/Hosting/SiloHost.cs): the working directory would have the host watch a
        // source tree for configuration changes, and every build beside the benchmark would cost it CPU.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls($"http://127.0.0.1:{httpPort}");
        builder.Logging.ClearProviders();
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(LoopbackPorts.Free(), gatewayPort);
            // As the embedded silo (make run) is configured.
            SiloConfiguration.WithoutDirectoryCache(silo);
            // The agents (real and in-memory) connect as the product's agent does, to cluster "microseg".
            silo.Configure<ClusterOptions>(o => o.ClusterId = o.ServiceId = SiloConfiguration.ClusterId);
            if (storage == "sqlite")
                silo.AddSqliteGrainStorageAsDefault(o => o.DatabasePath = Path.Combine(data.FullName, "microseg.db"));
            else
                silo.AddMemoryGrainStorageAsDefault();
            SiloConfiguration.AddMemoryFanout(silo);
            SiloConfiguration.ConfigureShared(silo);
        });
        builder.Services.AddMicroSegApi();
        await using var app = builder.Build();
        app.MapMicroSegApi();
        await app.StartAsync();
        var grains = app.Services.GetRequiredService<IGrainFactory>();

        var objectPath = Datapath.DatapathBenchCommand.ObjectPath("microseg.bpf.o");
        IAgentFleet? fleet = null;
        try
        {
            var preload = Stopwatch.StartNew();
            await Parallel.ForEachAsync(Enumerable.Range(0, workloadCount), new ParallelOptions { MaxDegreeOfParallelism = 16 },
                async (i, _) => await grains.GetGrain<IWorkloadGrain>($"w{i}").SetAsync(Workload(i, i % 50)));
            await Parallel.ForEachAsync(Enumerable.Range(0, policyCount), new ParallelOptions { MaxDegreeOfParallelism = 16 },
                async (i, _) => await grains.GetGrain<IPolicyGrain>($"p{i}").SetAsync(Policy(i)));
            await grains.GetGrain<IPolicyGrain>("hot-peers").SetAsync(HotPeers);
            Console.Error.WriteLine($"  {nodeCount} nodes: {workloadCount} workloads and {policyCount + 1} policies stored after {preload.Elapsed.TotalSeconds:F0} s; starting agents {(separate ? "in a process of their own" : "in this process")}");

            fleet = separate
                ? await AgentFleetProcess.StartAsync(nodeCount, realCount, gatewayPort, objectPath, pinRoot)
                : await AgentFleet.StartAsync(nodeCount, realCount, gatewayPort, objectPath, pinRoot);
            var revisions = new List<long>();
            for (var i = 0; i < nodeCount; i++)
                revisions.Add((await grains.GetGrain<INodeGrain>($"n{i}").GetRulesAsync()).Revision);
            await fleet.WaitAppliedAsync(revisions, TimeSpan.FromMinutes(5));
            preload.Stop();
            Console.Error.WriteLine($"  {nodeCount} nodes: every agent applied its rules after {preload.Elapsed.TotalSeconds:F0} s; measuring {changes} changes");

            using var http = await BenchmarkApiClient.CreateAsync(grains, new Uri($"http://127.0.0.1:{httpPort}"), TimeSpan.FromMinutes(2));
            var perNode = new List<double>();
            var perRealNode = new List<double>();
            var allNodes = new List<double>();
            var warmupAllNodes = new List<double>();
            var siloCpu = new List<double>();
            var agentsCpu = new List<double>();
            using var self = Process.GetCurrentProcess();
            // What the silo (and the agents) burn with nothing changing: timers, heartbeats, metrics.
            self.Refresh();
            var (idleFrom, agentsIdleFrom, idleClock) = (self.TotalProcessorTime, fleet.ProcessorTime, Stopwatch.StartNew());
            await Task.Delay(TimeSpan.FromSeconds(10));
            self.Refresh();
            var idle = (self.TotalProcessorTime - idleFrom).TotalMilliseconds / idleClock.Elapsed.TotalSeconds;
            var agentsIdle = (fleet.ProcessorTime - agentsIdleFrom)?.TotalMilliseconds / idleClock.Elapsed.TotalSeconds;
            Console.Error.WriteLine($"  idle for {idleClock.Elapsed.TotalSeconds:F0} s: CPU {(separate ? "silo" : "all")} {idle:F0} ms/s{(agentsIdle is { } ai ? $", agents {ai:F0} ms/s" : "")}");
            // The first changes after the preload warm up the JIT and caches; they run the same way, unmeasured.
            for (var c = -warmup; c < changes; c++)
            {
                var index = (c + warmup) * 37 % workloadCount;
                var original = Workload(index, index % 50);
                var hot = original with { Labels = new Dictionary<string, string> { ["app"] = "hot" } };
                var cidr = $"{original.Addresses[0]}/32";
                self.Refresh();
                var (cpuBefore, agentsBefore) = (self.TotalProcessorTime, fleet.ProcessorTime);
                var (allocatedBefore, pausedBefore, gen0Before, gen1Before, gen2Before) =
                    (GC.GetTotalAllocatedBytes(), GC.GetTotalPauseDuration(), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
                var (jittedBefore, jitTimeBefore) = (JitInfo.GetCompiledMethodCount(), JitInfo.GetCompilationTime());
                var start = Stopwatch.GetTimestamp();
                var response = await http.PutAsJsonAsync($"/api/v1/workloads/{hot.Id}", hot);
                response.EnsureSuccessStatusCode();
                var identity = (await response.Content.ReadFromJsonAsync<JsonObject>())!["identity"]!.GetValue<uint>();
                var stamps = await fleet.WhenAsync(cidr, identity, present: true, TimeSpan.FromMinutes(2));
                self.Refresh();
                var (cpu, agentsCpuNow) = ((self.TotalProcessorTime - cpuBefore).TotalMilliseconds, fleet.ProcessorTime - agentsBefore);
                var gc = $"GC: {(GC.GetTotalAllocatedBytes() - allocatedBefore) / 1e6:F0} MB allocated, {(GC.GetTotalPauseDuration() - pausedBefore).TotalMilliseconds:F0} ms paused, "
                    + $"{GC.CollectionCount(0) - gen0Before}/{GC.CollectionCount(1) - gen1Before}/{GC.CollectionCount(2) - gen2Before} collections (gen 0/1/2 counts)"
                    // Methods the silo's process compiled meanwhile (tier-up included) and the JIT's time on them.
                    + $"; JIT: {JitInfo.GetCompiledMethodCount() - jittedBefore} methods, {(JitInfo.GetCompilationTime() - jitTimeBefore).TotalMilliseconds:F0} ms";
                var ms = stamps.Select(s => Stopwatch.GetElapsedTime(start, s).TotalMilliseconds).ToList();
                Console.Error.WriteLine($"  change {c + 1}/{changes}{(c < 0 ? " (warm-up)" : "")}: all nodes {ms.Max():F0} ms; CPU {(separate ? "silo" : "all")} {cpu:F0} ms{(agentsCpuNow is { } a ? $", agents {a.TotalMilliseconds:F0} ms" : "")}; {gc}");
                if (c < 0)
                    warmupAllNodes.Add(ms.Max());
                else
                {
                    perNode.AddRange(ms);
                    perRealNode.AddRange(ms.Take(realCount));
                    allNodes.Add(ms.Max());
                    siloCpu.Add(cpu);
                    if (agentsCpuNow is { } agentMs)
                        agentsCpu.Add(agentMs.TotalMilliseconds);
                }

                (await http.PutAsJsonAsync($"/api/v1/workloads/{original.Id}", original)).EnsureSuccessStatusCode();
                await fleet.WhenAsync(cidr, identity, present: false, TimeSpan.FromMinutes(2));
            }
            // The memory side of the GC settings: what the silo's process peaked at and what its GC heap holds now.
            self.Refresh();
            var memory = GC.GetGCMemoryInfo();
            Console.Error.WriteLine($"  memory: {(separate ? "silo" : "all")} peak working set {self.PeakWorkingSet64 / 1e6:F0} MB, GC heap {memory.HeapSizeBytes / 1e6:F0} MB, committed {memory.TotalCommittedBytes / 1e6:F0} MB");
            var realColumn = realCount == 0 ? "—" : $"{Percentile(perRealNode, 50):F0} / {Percentile(perRealNode, 99):F0} ms";
            var agentsColumn = agentsCpu.Count == 0 ? "(in the silo's)" : $"{agentsCpu.Average():F0} ms";
            return $"| {nodeCount} ({realCount}) | {(separate ? "own process" : "silo's process")}{(spread ? ", spread" : "")} | {workloadCount} | {policyCount} | {changes} | {Percentile(perNode, 50):F0} ms | {Percentile(perNode, 99):F0} ms | "
                + $"{Percentile(allNodes, 50):F0} ms | {Percentile(allNodes, 99):F0} ms | {realColumn} | {siloCpu.Average():F0} ms | {agentsColumn} | {preload.Elapsed.TotalSeconds:F0} s | {warmup}: {(warmupAllNodes.Count == 0 ? "—" : $"{warmupAllNodes.Max():F0} ms")} |";
        }
        finally
        {
            if (fleet is not null)
                await fleet.DisposeAsync();
            await app.StopAsync();
            if (Directory.Exists(pinRoot))
                Directory.Delete(pinRoot, recursive: true);
            data.Delete(recursive: true);
        }
    }

    private static readonly PolicySpec HotPeers = new()
    {
        Id = "hot-peers",
        Selector = new LabelSelector(),
        Ingress = [new PolicyRule { From = [new PolicyPeer { Selector = new LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "hot" } } }], Ports = [new PolicyPort { Port = 9999 }] }],
    };

    private static WorkloadSpec WorkloadOf(int i, int node, int app, string interfacePrefix) => new()
    {
        Id = $"w{i}",
        Node = $"n{node}",
        Interface = $"{interfacePrefix}{i}",
        Addresses = [$"198.{18 + (i >> 16)}.{(i >> 8) & 255}.{i & 255}"],
        Labels = new Dictionary<string, string> { ["app"] = $"app{app}", ["env"] = i % 2 == 0 ? "prod" : "dev" },
    };

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

    private static double Percentile(List<double> values, int p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(p / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    private static string Arg(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}
