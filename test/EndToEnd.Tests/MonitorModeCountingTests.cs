using System.Text.Json.Nodes;
using MicroSeg.EndToEnd.Tests.Infrastructure;
using MicroSeg.Testing;
using Xunit.Abstractions;

namespace MicroSeg.EndToEnd.Tests;

/// <summary>
/// Issue 11, item 8: monitor mode drops nothing, and what it would have dropped is counted per node and per
/// policy, on the agent's metrics and in node status.
/// </summary>
public sealed class MonitorModeCountingTests(ITestOutputHelper output)
{
    private static readonly int[] Ports = [80];

    [Fact]
    public async Task MonitorMode_TrafficAPolicyDenies_PassesAndIsCountedPerPolicyAndNode()
    {
        await using var system = await MicroSegSystem.StartAsync(output);
        var pods = new Dictionary<string, TestPod>
        {
            ["a"] = system.AddPod("a", "198.18.4.1/24", Ports),
            ["b"] = system.AddPod("b", "198.18.4.2/24", Ports),
            ["c"] = system.AddPod("c", "198.18.4.3/24", Ports),
        };
        var node = system.NodeName("n1");
        system.StartAgent(node);
        var api = system.Api;
        foreach (var (name, pod) in pods)
        {
            await api.SendOkAsync(HttpMethod.Put, $"/api/v1/workloads/{name}", new
            {
                node,
                @interface = pod.HostInterface,
                addresses = new[] { pod.Address.ToString() },
                labels = new Dictionary<string, string> { ["app"] = name },
                // b is being rolled out: watched, not yet protected.
                mode = name == "b" ? "monitor" : "protect",
            });
        }
        await api.SendOkAsync(HttpMethod.Post, "/api/v1/policies", new
        {
            id = "deny-c-to-b",
            selector = new { matchLabels = new Dictionary<string, string> { ["app"] = "b" } },
            action = "deny",
            ingress = new[] { new { from = new[] { new { selector = new { matchLabels = new Dictionary<string, string> { ["app"] = "c" } } } } } },
        });
        await system.ConvergeAsync();

        // In monitor mode the denied flow passes; the same policy on a protected workload would drop it.
        await Connectivity.ExpectAsync(output, "monitor mode", Connectivity.Matrix(pods, Ports, (_, _, _) => true), system.Logs);

        var status = await WaitForCountsAsync(api, node, system);
        var wouldDeny = status["wouldDeny"]!;
        output.WriteLine(wouldDeny.ToJsonString());
        var byRule = wouldDeny["byRule"]!.AsArray();
        var denyCToB = byRule.Where(c => c!["policy"]?.GetValue<string>() == "deny-c-to-b").ToList();
        Assert.NotEmpty(denyCToB);
        Assert.All(denyCToB, c =>
        {
            Assert.Equal("b", c!["workloadId"]!.GetValue<string>());
            Assert.Equal("ingress", c["direction"]!.GetValue<string>());
            Assert.Equal("policy-deny", c["reason"]!.GetValue<string>());
            Assert.StartsWith("deny-c-to-b/ingress/", c["rule"]!.GetValue<string>());
        });
        var perPolicy = denyCToB.Sum(c => c!["packets"]!.GetValue<long>());
        Assert.True(perPolicy > 0);
        Assert.True(wouldDeny["wouldDenyPackets"]!.GetValue<long>() >= perPolicy, "the node total includes the policy's packets");
        // Only c's traffic toward b was ever refused by policy.
        Assert.All(byRule, c => Assert.Equal("deny-c-to-b", c!["policy"]?.GetValue<string>()));

        var metrics = await system.AgentMetricsAsync(node);
        output.WriteLine(metrics);
        var nodeTotal = MetricValue(metrics, $"microseg_agent_would_deny_packets_total{{node=\"{node}\"}}");
        Assert.True(nodeTotal >= perPolicy, $"node total {nodeTotal}");
        var policyLine = metrics.Split('\n').Single(l => l.StartsWith("microseg_agent_policy_would_deny_packets_total{", StringComparison.Ordinal)
            && l.Contains("policy=\"deny-c-to-b\"", StringComparison.Ordinal));
        Assert.Contains("workload=\"b\"", policyLine);
        Assert.Contains("reason=\"policy-deny\"", policyLine);
        Assert.True(long.Parse(policyLine[(policyLine.LastIndexOf(' ') + 1)..]) >= perPolicy);
    }

    private static long MetricValue(string metrics, string series) =>
        long.Parse(metrics.Split('\n').Single(l => l.StartsWith(series + " ", StringComparison.Ordinal))[(series.Length + 1)..]);

    /// <summary>Counters reach node status with the agent's next heartbeat (every 5 s).</summary>
    private static async Task<JsonNode> WaitForCountsAsync(SiloApi api, string node, MicroSegSystem system)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        JsonNode? last = null;
        while (DateTime.UtcNow < deadline)
        {
            last = await api.SendOkAsync(HttpMethod.Get, $"/api/v1/nodes/{node}");
            if (last?["wouldDeny"]?["byRule"]?.AsArray().Count > 0)
                return last;
            await Task.Delay(250);
        }
        throw new TimeoutException($"node {node}: no would-deny counts in status; last {last?.ToJsonString() ?? "none"}\n" + string.Join('\n', system.Logs.Select(l => l.Tail())));
    }
}
