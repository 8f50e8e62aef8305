using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MicroSeg.Benchmarks.Writes;
using MicroSeg.Bpf;
using MicroSeg.Grains.Interfaces.Flows;
using MicroSeg.NodeAgent.Hosting;
using MicroSeg.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MicroSeg.Benchmarks.Flows;

/// <summary>
/// "flows [--seconds N] [--concurrency N] [--interval 5s]": the flow pipeline under load. One embedded silo and the
/// real agent (in this process), two pods on a bridge, a policy "s accepts c on TCP 80"; c opens as many TCP
/// connections to s:80 as it can for N seconds (each connects, echoes one byte, closes), then the benchmark waits
/// until GET /api/v1/flows accounts for them and reports: connections made vs accounted, the delay from the last
/// connection until all were visible, events lost or suppressed by the data plane, history rows and bytes per row.
/// </summary>
internal static class FlowAccountingCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = Arg(args, "--seconds", 30);
        var concurrency = Arg(args, "--concurrency", 64);
        var interval = args.SkipWhile(a => a != "--interval").Skip(1).FirstOrDefault() ?? "5s";
        if (!Durations.TryParse(interval, out var flowInterval))
            throw new ArgumentException($"--interval '{interval}' is not a duration such as 5s or 500ms.");
        var objectPath = Path.GetFullPath("out/bpf/microseg.bpf.o");
        var pinRoot = $"/sys/fs/bpf/microseg-bench-{Guid.NewGuid():N}"[..40];
        var node = $"bench-flows-{Guid.NewGuid():N}"[..20];

        await using var silo = await EmbeddedSilo.StartAsync();
        using var network = TestNetwork.Create();
        var client = network.AddPod("c", "198.18.30.1/24");
        var server = network.AddPod("s", "198.18.30.2/24");
        using var listener = server.ListenTcp(80);
        using var http = new HttpClient { BaseAddress = silo.Api };
        foreach (var (id, pod) in new[] { ("c", client), ("s", server) })
        {
            (await http.PutAsJsonAsync($"/api/v1/workloads/{id}", new
            {
                node, @interface = pod.HostInterface, addresses = new[] { pod.Address.ToString() }, labels = new Dictionary<string, string> { ["app"] = id },
            })).EnsureSuccessStatusCode();
        }
        (await http.PostAsJsonAsync("/api/v1/policies", new
        {
            id = "s-accepts-c",
            selector = new { matchLabels = new Dictionary<string, string> { ["app"] = "s" } },
            ingress = new[] { new { from = new[] { new { selector = new { matchLabels = new Dictionary<string, string> { ["app"] = "c" } } } }, ports = new[] { new { protocol = "TCP", port = 80 } } } },
        })).EnsureSuccessStatusCode();

        using var agent = AgentHost.Build(new AgentOptions
        {
            Node = node, Gateways = [$"127.0.0.1:{silo.GatewayPort}"], BpfObject = objectPath, PinRoot = pinRoot,
            ConntrackEntries = 1 << 20, Metrics = null, FlowInterval = flowInterval,
        }, logging => logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Error));
        try
        {
            return await MeasureAsync(silo, http, agent, node, client, server, seconds, concurrency, flowInterval);
        }
        finally
        {
            await agent.StopAsync();
            DatapathUninstall.Run(Path.Combine(pinRoot, node));
            if (Directory.Exists(pinRoot))
                Directory.Delete(pinRoot, recursive: true);
        }
    }

    private static async Task<int> MeasureAsync(EmbeddedSilo silo, HttpClient http, Microsoft.Extensions.Hosting.IHost agent, string node,
        TestPod client, TestPod server, int seconds, int concurrency, TimeSpan interval)
    {
        await agent.StartAsync();
        await WaitConvergedAsync(http, node);
        var before = agent.Services.GetRequiredService<MicroSeg.Bpf.Datapath>().ReadCounters();

        long made = 0, failed = 0;
        var clock = Stopwatch.StartNew();
        var end = TimeSpan.FromSeconds(seconds);
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed < end)
            {
                if (await client.CanConnectTcpAsync(server.Address, 80, TimeSpan.FromSeconds(5)))
                    Interlocked.Increment(ref made);
                else
                    Interlocked.Increment(ref failed);
            }
        })));
        var driven = clock.Elapsed;
        var lastConnection = Stopwatch.StartNew();

        long accounted = 0;
        TimeSpan? visibleAfter = null;
        while (lastConnection.Elapsed < TimeSpan.FromSeconds(60) + interval)
        {
            accounted = await AccountedAsync(http);
            if (accounted >= made)
            {
                visibleAfter = lastConnection.Elapsed;
                break;
            }
            await Task.Delay(200);
        }
        var after = agent.Services.GetRequiredService<MicroSeg.Bpf.Datapath>().ReadCounters();
        var rows = await silo.Grains.GetGrain<IFlowHistoryGrain>(0).GetLatestIdAsync();
        var dbBytes = Directory.EnumerateFiles(silo.DataDirectory, "flows.db*").Sum(f => new FileInfo(f).Length);

        Console.WriteLine($"flows: {seconds} s, concurrency {concurrency}, flow interval {interval.TotalSeconds:0.###} s, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        Console.WriteLine($"| connections made | rate /s | failed | accounted (GET /flows, src=c dst=s) | accounted % | all visible after last connection | events lost | events suppressed | history rows | flows.db bytes/row |");
        Console.WriteLine($"|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        Console.WriteLine($"| {made} | {made / driven.TotalSeconds:0} | {failed} | {accounted} | {100.0 * accounted / Math.Max(1, made):0.0} | " +
            $"{(visibleAfter is { } v ? $"{v.TotalSeconds:0.0} s" : "not within 60 s")} | {after.EventsLost - before.EventsLost} | " +
            $"{after.EventsSuppressed - before.EventsSuppressed} | {rows} | {(rows > 0 ? dbBytes / rows : 0)} |");
        return 0;
    }

    /// <summary>The connections c→s that GET /api/v1/flows accounts for, over every page.</summary>
    private static async Task<long> AccountedAsync(HttpClient http)
    {
        long sum = 0;
        string? cursor = null;
        do
        {
            var page = (await http.GetFromJsonAsync<JsonNode>($"/api/v1/flows?src=c&dst=s&limit=1000{(cursor is null ? "" : $"&cursor={cursor}")}"))!;
            sum += page["items"]!.AsArray().Sum(f => (long)f!["connections"]!);
            cursor = (string?)page["next"];
        }
        while (cursor is not null);
        return sum;
    }

    private static async Task WaitConvergedAsync(HttpClient http, string node)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            using var response = await http.GetAsync($"/api/v1/nodes/{node}");
            if (response.IsSuccessStatusCode && JsonNode.Parse(await response.Content.ReadAsStringAsync()) is { } status
                && status["agentConnected"]!.GetValue<bool>() && status["appliedRevision"]?.GetValue<long?>() == status["revision"]!.GetValue<long>()
                && status["lastAck"]?["missingInterfaces"]?.AsArray().Count == 0)
                return;
            await Task.Delay(100);
        }
        throw new TimeoutException($"node {node} did not converge");
    }

    private static int Arg(string[] args, string name, int fallback) =>
        args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() is { } v ? int.Parse(v, System.Globalization.CultureInfo.InvariantCulture) : fallback;
}
