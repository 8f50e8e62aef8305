using System.Diagnostics;
using System.Text.Json.Nodes;
using MicroSeg.EndToEnd.Tests.Infrastructure;
using MicroSeg.Testing;
using Xunit.Abstractions;

namespace MicroSeg.EndToEnd.Tests;

/// <summary>
/// Issue 14, "Must show": a shop of eleven services (twelve pods: one service has two replicas; ports shared between
/// services; one service reached on two ports; one UDP service; an outside client) learns in monitor mode; the recommendation,
/// simulated first, then provisioned and enforced in protect mode, lets every true edge connect and blocks every
/// other pair on every service port; reverting the version restores the earlier behaviour.
/// </summary>
public sealed class PolicyRecommendationTests(ITestOutputHelper output)
{
    /// <summary>The outside client: a pod on the bridge that is no workload.</summary>
    private const string Outside = "ext";

    /// <summary>Service → its ports; each pod is named after its service (cart has two, cart1 and cart2; test pod names are at most six characters).</summary>
    private static readonly Dictionary<string, int[]> Services = new()
    {
        ["front"] = [8080],
        ["cart"] = [7070],
        ["catlog"] = [3550, 9555],
        ["chkout"] = [5050],
        ["pay"] = [50051],
        ["ship"] = [50051],
        ["money"] = [7000],
        ["email"] = [8080],
        ["ad"] = [9555],
        ["redis"] = [6379],
        ["stats"] = [],
    };

    /// <summary>The UDP service: stats receives datagrams (statsd-like) on this port.</summary>
    private const int StatsPort = 8125;

    /// <summary>The true edges: source service (or <see cref="Outside"/>) → destination service on a port.</summary>
    private static readonly (string From, string To, int Port)[] Edges =
    [
        (Outside, "front", 8080),
        ("front", "cart", 7070),
        ("front", "catlog", 3550),
        ("front", "catlog", 9555),
        ("front", "money", 7000),
        ("front", "chkout", 5050),
        ("front", "ad", 9555),
        ("chkout", "cart", 7070),
        ("chkout", "catlog", 3550),
        ("chkout", "pay", 50051),
        ("chkout", "ship", 50051),
        ("chkout", "email", 8080),
        ("chkout", "money", 7000),
        ("cart", "redis", 6379),
    ];

    /// <summary>The true UDP edges, all to stats.</summary>
    private static readonly string[] StatsSenders = ["front", "chkout"];

    [Fact]
    public async Task Recommendation_SimulatedProvisionedInProtect_AllowsExactlyTrueEdges_RevertRestores()
    {
        await using var system = await MicroSegSystem.StartAsync(output);
        var api = system.Api;
        // Two nodes (an agent each), pods alternating between them: most edges cross nodes, so each connection is
        // reported by the source's node and the destination's, and history must still count it once.
        string[] nodes = [system.NodeName("n1"), system.NodeName("n2")];
        var pods = new Dictionary<string, TestPod>();
        var serviceOf = new Dictionary<string, string>();
        var host = 1;
        foreach (var (service, ports) in Services)
        {
            foreach (var name in service == "cart" ? new[] { "cart1", "cart2" } : [service])
            {
                pods[name] = system.AddPod(name, $"198.18.44.{host++}/24", ports);
                serviceOf[name] = service;
            }
        }
        pods["stats"].ListenUdpEcho(StatsPort);
        pods[Outside] = system.AddPod(Outside, "198.18.44.200/24");
        serviceOf[Outside] = Outside;
        foreach (var node in nodes)
            system.StartAgent(node, "--flow-interval", "1s");

        // Learning: everything in monitor mode, no policy.
        await api.SendOkAsync(HttpMethod.Put, "/api/v1/settings/enforcement", new { defaultMode = "monitor" });
        foreach (var ((name, pod), i) in pods.Where(p => p.Key != Outside).Select((p, i) => (p, i)))
        {
            var node = nodes[i % nodes.Length];
            await api.SendOkAsync(HttpMethod.Put, $"/api/v1/workloads/{name}", new
            {
                node, @interface = pod.HostInterface, addresses = new[] { pod.Address.ToString() },
                labels = new Dictionary<string, string> { ["app"] = serviceOf[name], ["tier"] = "shop" },
            });
        }
        await system.ConvergeAsync();
        var learning = (from e in Edges
                        from src in PodsOf(e.From)
                        from dst in PodsOf(e.To)
                        select new Flow(pods[src], pods[dst], e.Port, Expected: true)).ToList();
        await Connectivity.ExpectAsync(output, "learning traffic", learning, system.Logs);
        await ExpectUdpAsync(pods, "learning traffic", StatsSenders.ToDictionary(s => s, _ => true));
        await WaitForEdgesAsync(system, [.. learning, .. StatsSenders.Select(s => new Flow(pods[s], pods["stats"], StatsPort, true))]);

        // Recommend: drafts, explained, not enforced.
        var recommendation = (await api.SendOkAsync(HttpMethod.Post, "/api/v1/recommendations", new { @namespace = "default" }))!;
        output.WriteLine(recommendation.ToJsonString());
        var id = (string)recommendation["id"]!;
        var policies = recommendation["policies"]!.AsArray();
        Assert.Equal("draft", (string?)recommendation["status"]);
        Assert.Equal(Services.Count, policies.Count);
        Assert.All(policies, p => Assert.True((bool)p!["draft"]!));
        // One ingress rule per observed source group (or outside address) of each service, with all its ports.
        var sourcePairs = Edges.Select(e => (e.From, e.To)).Distinct().Count() + StatsSenders.Length;
        Assert.Equal(sourcePairs, recommendation["explanations"]!.AsArray().Count(e => (string?)e!["direction"] == "ingress"));
        Assert.Equal(sourcePairs, (int)recommendation["coverage"]!["edges"]!);
        // Each learning connection is counted once, although two nodes' programs saw most of them.
        foreach (var e in recommendation["explanations"]!.AsArray().Where(e => (string?)e!["direction"] == "ingress"))
        {
            var to = ((string)e!["policy"]!)["rec.default.".Length..];
            var from = (string)e["peer"]! == $"{pods[Outside].Address}/32" ? Outside : ((string)e["peer"]!)["default/app=".Length..];
            var made = to == "stats"
                ? PodsOf(from).Count()
                : Edges.Where(x => x.From == from && x.To == to).Sum(_ => PodsOf(from).Count() * PodsOf(to).Count());
            Assert.True(made == (long)e["connections"]!, $"{from}->{to}: {made} connections made, explained {e.ToJsonString()}");
        }
        Assert.Equal(0, (int)recommendation["coverage"]!["groupsWithoutFlows"]!);
        var active = (await api.SendOkAsync(HttpMethod.Get, "/api/v1/policies"))!.AsArray();
        Assert.DoesNotContain(active, p => ((string)p!["id"]!).StartsWith("rec.", StringComparison.Ordinal));
        var stored = (await api.SendOkAsync(HttpMethod.Get, $"/api/v1/recommendations/{id}"))!;
        Assert.Equal(policies.ToJsonString(), stored["policies"]!.ToJsonString());

        // What-if: no observed flow would be denied.
        var simulation = (await api.SendOkAsync(HttpMethod.Post, "/api/v1/simulate", new { recommendation = id }))!;
        output.WriteLine(simulation.ToJsonString());
        Assert.True((long)simulation["allowed"]! >= Edges.Length, simulation.ToJsonString());
        Assert.Equal(0, (long)simulation["denied"]!);
        Assert.Equal(0, (long)simulation["newlyDenied"]!);

        // Provision, then protect: every true edge connects, every other pair on every service port is blocked.
        var version = (await api.SendOkAsync(HttpMethod.Post, $"/api/v1/recommendations/{id}/provision"))!;
        Assert.Equal(1, (long)version["version"]!);
        Assert.Equal(Services.Count, version["changes"]!.AsArray().Count(c => (string?)c!["kind"] == "added"));
        Assert.Equal("provisioned", (string?)(await api.SendOkAsync(HttpMethod.Get, $"/api/v1/recommendations/{id}"))!["status"]);
        await api.SendOkAsync(HttpMethod.Put, "/api/v1/settings/enforcement", new { defaultMode = "protect" });
        await system.ConvergeAsync();
        await Connectivity.ExpectAsync(output, "recommendation in protect mode", Matrix(pods, serviceOf, (from, to, port) =>
            Edges.Contains((serviceOf[from], serviceOf[to], port))), system.Logs);
        await ExpectUdpAsync(pods, "recommendation in protect mode", pods.Keys.Where(p => p != "stats").ToDictionary(p => p, p => StatsSenders.Contains(p)));

        // Recommendations and versions are durable: both are read back after a restart of the (embedded) silo.
        await system.StopSiloAsync();
        await system.StartSiloAgainAsync();
        Assert.Equal(policies.ToJsonString(), (await api.SendOkAsync(HttpMethod.Get, $"/api/v1/recommendations/{id}"))!["policies"]!.ToJsonString());

        // Revert: the recommendation's policies are gone and traffic behaves as before it (no policy: all open).
        var provisions = (await api.SendOkAsync(HttpMethod.Get, "/api/v1/provisions"))!.AsArray();
        Assert.Equal($"recommendation/{id}", (string?)Assert.Single(provisions)!["source"]);
        var reverted = (await api.SendOkAsync(HttpMethod.Post, "/api/v1/provisions/1/revert"))!;
        Assert.Equal(2, (long)reverted["version"]!);
        Assert.Equal("revert/1", (string?)reverted["source"]);
        Assert.All(reverted["changes"]!.AsArray(), c => Assert.Equal("removed", (string?)c!["kind"]));
        active = (await api.SendOkAsync(HttpMethod.Get, "/api/v1/policies"))!.AsArray();
        Assert.DoesNotContain(active, p => ((string)p!["id"]!).StartsWith("rec.", StringComparison.Ordinal));
        await system.ConvergeAsync();
        await Connectivity.ExpectAsync(output, "after revert", Matrix(pods, serviceOf, (_, _, _) => true), system.Logs);
        await ExpectUdpAsync(pods, "after revert", pods.Keys.Where(p => p != "stats").ToDictionary(p => p, _ => true));
    }

    /// <summary>A datagram from each given pod to stats, in parallel; whether its echo came back is as expected.</summary>
    private static async Task ExpectUdpAsync(Dictionary<string, TestPod> pods, string step, Dictionary<string, bool> expected)
    {
        var results = await Task.WhenAll(expected.Keys.Select(p => pods[p].CanExchangeUdpAsync(pods["stats"].Address, StatsPort, Connectivity.Timeout)));
        var wrong = expected.Keys.Zip(results).Where(x => x.Second != expected[x.First])
            .Select(x => $"{x.First}->stats:UDP/{StatsPort} {(x.Second ? "answered" : "got no answer")}").ToList();
        Assert.True(wrong.Count == 0, $"{step}: {string.Join("; ", wrong)}");
    }

    private static IEnumerable<string> PodsOf(string service) =>
        service == "cart" ? ["cart1", "cart2"] : [service];

    /// <summary>Every ordered pair of distinct pods, on every port of the destination's service.</summary>
    private static List<Flow> Matrix(Dictionary<string, TestPod> pods, Dictionary<string, string> serviceOf, Func<string, string, int, bool> expected) =>
        (from src in pods.Keys
         from dst in pods.Keys
         where src != dst && dst != Outside
         from port in Services[serviceOf[dst]]
         select new Flow(pods[src], pods[dst], port, expected(src, dst, port))).ToList();

    /// <summary>Waits until history holds a flow for every learning connection (flows reach it within an interval or two).</summary>
    private async Task WaitForEdgesAsync(MicroSegSystem system, IReadOnlyList<Flow> learning)
    {
        var deadline = Stopwatch.StartNew();
        var missing = learning.ToList();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            var items = (await system.Api.SendOkAsync(HttpMethod.Get, "/api/v1/flows?limit=1000"))!["items"]!.AsArray();
            var seen = items.Select(f => ((string?)f!["src"]!["address"], (string?)f["dst"]!["address"], (int?)f["dst"]!["port"])).ToHashSet();
            missing = learning.Where(f => !seen.Contains((f.From.Address.ToString(), f.To.Address.ToString(), f.Port))).ToList();
            if (missing.Count == 0)
            {
                output.WriteLine($"every learning flow in history after {deadline.Elapsed.TotalSeconds:F1} s");
                return;
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"flows missing from history: {string.Join(", ", missing)}");
    }
}
