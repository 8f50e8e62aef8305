using System.Diagnostics;
using System.Text.Json.Nodes;
using MicroSeg.EndToEnd.Tests.Infrastructure;
using MicroSeg.Testing;
using Xunit.Abstractions;

namespace MicroSeg.EndToEnd.Tests;

/// <summary>
/// Issue 12, "Must show": flows reach the API with the policy that decided them, the topology has the edges, the
/// agent counts denied connections, history survives a silo restart, and monitor mode reports would-deny.
/// </summary>
public sealed class FlowVisibilityTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Visible = TimeSpan.FromSeconds(15);

    private static readonly object BAcceptsA = TestPolicies.BAcceptsAOn80Named("b-accepts-a");

    [Fact]
    public async Task Flows_AllowedAndDenied_ShowDecidingPolicy_Topology_Metrics_SurviveRestart_AndMonitorWouldDeny()
    {
        await using var system = await MicroSegSystem.StartAsync(output);
        var pods = new Dictionary<string, TestPod>
        {
            ["a"] = system.AddPod("a", "198.18.12.1/24", 80),
            ["b"] = system.AddPod("b", "198.18.12.2/24", 80),
            ["c"] = system.AddPod("c", "198.18.12.3/24", 80),
        };
        var node = system.NodeName("n1");
        system.StartAgent(node);
        var api = system.Api;
        foreach (var (name, pod) in pods)
            await system.RegisterAsync(node, name, pod);
        await api.SendOkAsync(HttpMethod.Post, "/api/v1/policies", BAcceptsA);
        await system.ConvergeAsync();

        var b = pods["b"].Address;
        for (var i = 0; i < 20; i++)
            Assert.True(await pods["a"].CanConnectTcpAsync(b, 80, TimeSpan.FromSeconds(5)), $"a->b:80 connection {i} failed");
        var attempts = Enumerable.Range(0, 5).Select(_ => pods["c"].CanConnectTcpAsync(b, 80, TimeSpan.FromSeconds(2)));
        Assert.All(await Task.WhenAll(attempts), ok => Assert.False(ok, "c->b:80 connected although b accepts only a"));
        var trafficDone = Stopwatch.StartNew();

        var flows = await WaitForFlowsAsync(system, "/api/v1/flows?dst=b", items =>
            Connections(items, "a", "allow") >= 20 && Connections(items, "c", "deny") >= 5);
        output.WriteLine($"flows visible {trafficDone.Elapsed.TotalSeconds:F1} s after the traffic");
        Assert.True(trafficDone.Elapsed < Visible, $"flows took {trafficDone.Elapsed.TotalSeconds:F1} s to show");
        AssertDecided(flows, node);
        // Packets and bytes of the allowed connections come from the data path's flow reports (a closing connection reports at once).
        var counted = await WaitForFlowsAsync(system, "/api/v1/flows?dst=b&verdict=allow&limit=1000", items => Bytes(items, "a") > 0);
        Assert.True(counted.Where(f => (string?)f!["src"]!["workload"] == "a").Sum(f => (long)f!["packets"]!) >= 20, counted.ToJsonString());

        var topology = await api.SendOkAsync(HttpMethod.Get, "/api/v1/topology?level=app");
        output.WriteLine(topology!.ToJsonString());
        var edges = topology["edges"]!.AsArray();
        var aToB = edges.Single(e => (string?)e!["src"] == "a" && (string?)e["dst"] == "b")!;
        var cToB = edges.Single(e => (string?)e!["src"] == "c" && (string?)e["dst"] == "b")!;
        Assert.True((long)aToB["verdicts"]!["allow"]! >= 20);
        Assert.Equal(0, (long)aToB["verdicts"]!["deny"]!);
        Assert.True((long)cToB["verdicts"]!["deny"]! >= 5);
        Assert.Equal(0, (long)cToB["verdicts"]!["allow"]!);
        Assert.Contains("TCP/80", cToB["ports"]!.AsArray().Select(p => (string?)p));
        Assert.Contains("b-accepts-a", aToB["policies"]!.AsArray().Select(p => (string?)p));
        Assert.Contains(topology["nodes"]!.AsArray(), n => (string?)n!["id"] == "b" && (string?)n["level"] == "app");

        var metrics = await system.AgentMetricsAsync(node);
        var denied = metrics.Split('\n').Where(l => l.StartsWith("microseg_agent_connections_total{", StringComparison.Ordinal) && l.Contains("verdict=\"deny\"", StringComparison.Ordinal))
            .Sum(l => long.Parse(l[(l.LastIndexOf(' ') + 1)..]));
        Assert.True(denied >= 5, $"agent metrics count {denied} denied connections\n{metrics}");

        // History is durable: the same flows after a restart of the (embedded, SQLite) silo.
        await system.StopSiloAsync();
        await system.StartSiloAgainAsync();
        var after = (await api.SendOkAsync(HttpMethod.Get, "/api/v1/flows?dst=b&limit=1000"))!["items"]!.AsArray();
        Assert.True(Connections(after, "a", "allow") >= 20 && Connections(after, "c", "deny") >= 5, after.ToJsonString());
        AssertDecided(after, node);
        var topologyAfter = (await api.SendOkAsync(HttpMethod.Get, "/api/v1/topology?level=app"))!["edges"]!.AsArray();
        Assert.Contains(topologyAfter, e => (string?)e!["src"] == "c" && (string?)e["dst"] == "b" && (long)e["verdicts"]!["deny"]! >= 5);

        // Monitor mode: the same policy no longer drops c->b, and says it would have.
        await api.SendOkAsync(HttpMethod.Put, "/api/v1/workloads/b", new
        {
            node, @interface = pods["b"].HostInterface, addresses = new[] { b.ToString() },
            labels = new Dictionary<string, string> { ["app"] = "b" }, mode = "monitor",
        });
        await system.ConvergeAsync();
        Assert.True(await pods["c"].CanConnectTcpAsync(b, 80, TimeSpan.FromSeconds(5)), "c->b:80 did not connect in monitor mode");
        var wouldDeny = await WaitForFlowsAsync(system, "/api/v1/flows?dst=b&verdict=would-deny", items => Connections(items, "c", "would-deny") >= 1);
        Assert.All(wouldDeny, f =>
        {
            Assert.Equal("c", (string?)f!["src"]!["workload"]);
            Assert.Equal("default-deny", (string?)f["reason"]);
            Assert.Equal("b-accepts-a", (string?)f["policy"]);
        });
    }

    /// <summary>
    /// Every TCP flow toward b is a's allowed by the rule, or c's denied by default under b-accepts-a. The only
    /// other traffic toward b is IPv6 neighbour discovery, which the data plane admits by design (and reports).
    /// </summary>
    private static void AssertDecided(JsonArray flows, string node)
    {
        Assert.All(flows.Where(f => (string?)f!["protocol"] != "TCP"), f => Assert.Equal("ICMPv6", (string?)f!["protocol"]));
        foreach (var f in flows.Where(f => (string?)f!["protocol"] == "TCP"))
        {
            Assert.Equal(node, (string?)f!["node"]);
            Assert.Equal("b", (string?)f["dst"]!["workload"]);
            Assert.Equal("default", (string?)f["dst"]!["namespace"]);
            Assert.Equal(80, (int)f["dst"]!["port"]!);
            Assert.Equal("TCP", (string?)f["protocol"]);
            Assert.Equal("b-accepts-a", (string?)f["policy"]);
            switch ((string?)f["src"]!["workload"])
            {
                case "a":
                    Assert.Equal("allow", (string?)f["verdict"]);
                    Assert.Equal("rule", (string?)f["reason"]);
                    Assert.Equal("198.18.12.1", (string?)f["src"]!["address"]);
                    break;
                case "c":
                    Assert.Equal("deny", (string?)f["verdict"]);
                    Assert.Equal("default-deny", (string?)f["reason"]);
                    Assert.True((long)f["packets"]! >= (long)f["connections"]!);
                    break;
                default:
                    Assert.Fail($"unexpected flow {f.ToJsonString()}");
                    break;
            }
        }
    }

    private static long Bytes(JsonArray items, string src) =>
        items.Where(f => (string?)f!["src"]!["workload"] == src).Sum(f => (long)f!["bytes"]!);

    private static long Connections(JsonArray items, string src, string verdict) =>
        items.Where(f => (string?)f!["src"]!["workload"] == src && (string?)f["verdict"] == verdict).Sum(f => (long)f!["connections"]!);

    private static async Task<JsonArray> WaitForFlowsAsync(MicroSegSystem system, string path, Func<JsonArray, bool> done)
    {
        var deadline = Stopwatch.StartNew();
        JsonArray? items = null;
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            items = (await system.Api.SendOkAsync(HttpMethod.Get, path))!["items"]!.AsArray();
            if (done(items))
                return items;
            await Task.Delay(250);
        }
        throw new TimeoutException($"GET {path}: {items?.ToJsonString() ?? "nothing"}\n" + string.Join('\n', system.Logs.Select(l => l.Tail())));
    }
}
