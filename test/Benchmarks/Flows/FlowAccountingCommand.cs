using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MicroSeg.Benchmarks.Load;
using MicroSeg.Benchmarks.Writes;
using MicroSeg.Bpf;
using MicroSeg.Grains.Interfaces.Flows;
using MicroSeg.NodeAgent.Hosting;
using MicroSeg.Testing;
using MicroSeg.Testing.Sockets;

namespace MicroSeg.Benchmarks.Flows;

/// <summary>
/// "flows [--seconds 30] [--clients 4] [--interval 5s]": the flow pipeline under a storm of new connections. One
/// embedded silo, the real agent as its own process (out/bin/microseg-agent), pods c, p and s on a bridge, a policy
/// "s accepts c and p on TCP 80". c opens new connections to s:80 from <c>--clients</c> C processes for N seconds
/// (<see cref="ConnectionStorm"/>) while p probes the packet-to-visible delay (<see cref="VisibilityProbe"/>); then
/// the benchmark waits until GET /api/v1/flows accounts for every connection and reports: made vs accounted, the
/// delay until all were visible, probe delays p50/p99, the agent's CPU and resident memory, the data plane's lost
/// and suppressed events, and bytes per history row at 200,000 rows (<see cref="FlowStorageFootprint"/>).
/// </summary>
internal static class FlowAccountingCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = Arg(args, "--seconds", 30);
        var clients = Arg(args, "--clients", 4);
        var interval = args.SkipWhile(a => a != "--interval").Skip(1).FirstOrDefault() ?? "5s";
        if (!Durations.TryParse(interval, out var flowInterval))
            throw new ArgumentException($"--interval '{interval}' is not a duration such as 5s or 500ms.");
        var agentBinary = Path.GetFullPath("out/bin/microseg-agent");
        if (!File.Exists(agentBinary))
            throw new FileNotFoundException("build the agent first (make build)", agentBinary);
        var pinRoot = $"/sys/fs/bpf/microseg-bench-{Guid.NewGuid():N}"[..40];
        var node = $"bench-flows-{Guid.NewGuid():N}"[..20];

        await using var silo = await EmbeddedSilo.StartAsync();
        using var http = await BenchmarkApiClient.CreateAsync(silo.Grains, silo.Api, TimeSpan.FromMinutes(2));
        using var network = TestNetwork.Create();
        var client = network.AddPod("c", "198.18.30.1/24");
        var probe = network.AddPod("p", "198.18.30.3/24");
        var server = network.AddPod("s", "198.18.30.2/24");
        foreach (var (id, pod) in new[] { ("c", client), ("p", probe), ("s", server) })
        {
            (await http.PutAsJsonAsync($"/api/v1/workloads/{id}", new
            {
                node, @interface = pod.HostInterface, addresses = new[] { pod.Address.ToString() }, labels = new Dictionary<string, string> { ["app"] = id },
            })).EnsureSuccessStatusCode();
        }
        (await http.PostAsJsonAsync("/api/v1/policies", new
        {
            id = "s-accepts-c-and-p",
            selector = new { matchLabels = new Dictionary<string, string> { ["app"] = "s" } },
            ingress = new[]
            {
                new
                {
                    from = new[] { new { selector = new { matchExpressions = new[] { new { key = "app", @operator = "In", values = new[] { "c", "p" } } } } } },
                    ports = new[] { new { protocol = "TCP", port = 80 } },
                },
            },
        })).EnsureSuccessStatusCode();

        var metricsPort = LoopbackPorts.Free();
        using var agent = Process.Start(new ProcessStartInfo(agentBinary,
        [
            "--node", node, "--gateway", $"127.0.0.1:{silo.GatewayPort}", "--bpf-object", Path.GetFullPath("out/bpf/microseg.bpf.o"),
            "--pin-root", pinRoot, "--conntrack-entries", "1048576", "--flow-interval", interval, "--metrics", $"127.0.0.1:{metricsPort}",
            "--no-tls", // the benchmark's embedded silo listens in plain text (TLS is SiloHost's, not SiloConfiguration's)
        ]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        agent.OutputDataReceived += (_, _) => { };
        agent.ErrorDataReceived += (_, e) => { if (e.Data is { } line && line.Contains("fail", StringComparison.OrdinalIgnoreCase)) Console.Error.WriteLine($"agent: {line}"); };
        agent.BeginOutputReadLine();
        agent.BeginErrorReadLine();
        ConnectionStorm.WidenPorts(client.Namespace);
        using var storm = ConnectionStorm.Start(server.Namespace, server.Address.ToString(), 80, workers: Math.Max(2, clients));
        try
        {
            await WaitConvergedAsync(http, node);
            return await MeasureAsync(silo, http, agent, metricsPort, node, storm, client, probe, server, seconds, clients, flowInterval);
        }
        finally
        {
            if (!agent.HasExited)
            {
                Process.Start("kill", ["-TERM", agent.Id.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
                if (!agent.WaitForExit(TimeSpan.FromSeconds(20)))
                    agent.Kill();
            }
            DatapathUninstall.Run(Path.Combine(pinRoot, node));
            if (Directory.Exists(pinRoot))
                Directory.Delete(pinRoot, recursive: true);
        }
    }

    private static async Task<int> MeasureAsync(EmbeddedSilo silo, HttpClient http, Process agent, int metricsPort, string node, ConnectionStorm storm,
        TestPod client, TestPod probePod, TestPod server, int seconds, int clients, TimeSpan interval)
    {
        var kernelBefore = await KernelCountersAsync(metricsPort);
        var cpuBefore = CpuTime(agent);
        var load = Machine.LoadAverage();

        using var stopProbing = new CancellationTokenSource();
        var probe = new VisibilityProbe();
        var probing = probe.ProbeAsync(probePod, server.Address, 80, stopProbing.Token);
        var polling = probe.PollAsync(http, "p", probing, TimeSpan.FromSeconds(60) + interval);

        var (made, failed, driven) = await storm.RunAsync(client.Namespace, server.Address.ToString(), 80, clients, seconds);
        var cpuDuring = CpuTime(agent) - cpuBefore;
        stopProbing.Cancel();
        var lastConnection = Stopwatch.StartNew();

        long accounted = 0;
        TimeSpan? visibleAfter = null;
        while (lastConnection.Elapsed < TimeSpan.FromSeconds(60) + interval)
        {
            accounted = await VisibilityProbe.AccountedAsync(http, "src=c&dst=s");
            if (accounted >= made)
            {
                visibleAfter = lastConnection.Elapsed;
                break;
            }
            await Task.Delay(200);
        }
        await polling;
        var kernelAfter = await KernelCountersAsync(metricsPort);
        agent.Refresh();
        var (rss, peakRss) = (agent.WorkingSet64, agent.PeakWorkingSet64); // VmRSS and VmHWM on Linux
        var delays = probe.Delays();
        var footprint = await FlowStorageFootprint.MeasureAsync(silo.Grains, silo.DataDirectory, $"{node}-x", "s", server.Address.ToString(), 1L << 40);

        Console.WriteLine($"flows: {seconds} s, {clients} client processes, flow interval {interval.TotalSeconds:0.###} s, load average at start {load}, after {Machine.LoadAverage()}");
        Console.WriteLine("| connections made | rate /s | failed | accounted | accounted % | all visible after last connection | probe delay p50 / p99 / max (n) | agent CPU (one core = 100 %) | agent RSS now / peak | events lost / suppressed |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        Console.WriteLine($"| {made} | {made / driven.TotalSeconds:0} | {failed} | {accounted} | {100.0 * accounted / Math.Max(1, made):0.00} | " +
            $"{(visibleAfter is { } v ? $"{v.TotalSeconds:0.0} s" : "not within the limit")} | " +
            $"{Percentile(delays, 0.50)} / {Percentile(delays, 0.99)} / {(delays.Count > 0 ? $"{delays[^1].TotalSeconds:0.00} s" : "-")} ({delays.Count} of {probe.Made}, {probe.Failed} failed) | " +
            $"{100 * cpuDuring.TotalSeconds / driven.TotalSeconds:0.0} % | {rss / 1048576.0:0} / {peakRss / 1048576.0:0} MiB | " +
            $"{kernelAfter.Lost - kernelBefore.Lost} / {kernelAfter.Suppressed - kernelBefore.Suppressed} |");
        Console.WriteLine($"history: {footprint.Rows:N0} rows written through the ingest grain in {footprint.Elapsed.TotalSeconds:0.0} s " +
            $"({footprint.Rows / footprint.Elapsed.TotalSeconds:0} rows/s); flows.db* grew {footprint.FileBytes:N0} bytes = {(double)footprint.FileBytes / Math.Max(1, footprint.Rows):0} bytes/row");
        return 0;
    }

    private static TimeSpan CpuTime(Process process)
    {
        process.Refresh();
        return process.TotalProcessorTime;
    }

    private static string Percentile(IReadOnlyList<TimeSpan> sorted, double q) =>
        sorted.Count == 0 ? "-" : $"{sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)].TotalSeconds:0.00} s";

    /// <summary>The data plane's lost and suppressed flow events, as the agent's /metrics reports them.</summary>
    private static async Task<(long Lost, long Suppressed)> KernelCountersAsync(int port)
    {
        using var metrics = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var text = await metrics.GetStringAsync($"http://127.0.0.1:{port}/metrics");
        long Value(string name) => text.Split('\n').Where(l => l.StartsWith(name, StringComparison.Ordinal))
            .Sum(l => long.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
        return (Value("microseg_agent_flow_events_lost_total"), Value("microseg_agent_flow_events_suppressed_total"));
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
        args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
}
