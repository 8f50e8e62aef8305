using System.Text.Json.Nodes;
using MicroSeg.EndToEnd.Tests.Infrastructure;
using MicroSeg.Testing;
using Xunit.Abstractions;

namespace MicroSeg.EndToEnd.Tests;

/// <summary>
/// Issue 11, item 3: a silo whose store was deleted comes back healthy and empty, under a new cluster identity.
/// The agent must keep enforcing what it applied, raise the alarm (node status, agent metric) and apply the
/// empty state only after an operator accepts it.
/// </summary>
public sealed class ControlPlaneLossTests(ITestOutputHelper output)
{
    private static readonly int[] Ports = [80, 81];

    [Fact]
    public async Task DeletedSiloStore_AgentKeepsRulesAndRaisesAlarm_UntilOperatorAccepts()
    {
        await using var system = await MicroSegSystem.StartAsync(output);
        var pods = new Dictionary<string, TestPod>
        {
            ["a"] = system.AddPod("a", "198.18.3.1/24", Ports),
            ["b"] = system.AddPod("b", "198.18.3.2/24", Ports),
        };
        var node = system.NodeName("n1");
        system.StartAgent(node);
        var api = system.Api;
        foreach (var (name, pod) in pods)
            await system.RegisterAsync(node, name, pod);
        // "app=b accepts TCP 80 from app=a": a->b:81 is blocked, a->b:80 allowed.
        await api.SendOkAsync(HttpMethod.Post, "/api/v1/policies", TestPolicies.BAcceptsAOn80);
        await system.ConvergeAsync();
        var enforced = Connectivity.Matrix(pods, Ports, PolicyAllows);
        await Connectivity.ExpectAsync(output, "policy enforced", enforced, system.Logs);
        Assert.Contains("microseg_agent_control_plane_held{node=\"" + node + "\",reason=\"\"", await system.AgentMetricsAsync(node));

        await system.StopSiloAsync();
        system.DeleteSiloData();
        await system.StartSiloAgainAsync();

        // The new silo is healthy and knows nothing; the agent is offered an empty node and refuses it.
        var status = await WaitForStatusAsync(api, node, s => s["hold"] is JsonObject, system);
        var hold = status["hold"]!;
        output.WriteLine($"hold: {hold.ToJsonString()}");
        Assert.Equal("cluster-identity-changed", hold["reason"]!.GetValue<string>());
        Assert.NotEqual(hold["appliedClusterIdentity"]!.GetValue<string>(), hold["offeredClusterIdentity"]!.GetValue<string>());
        Assert.True(Guid.TryParse(hold["appliedClusterIdentity"]!.GetValue<string>(), out _), "the applied identity is a GUID");
        Assert.True(hold["appliedEntries"]!.GetValue<long>() > 0, "the applied state had entries");
        Assert.Equal(0, hold["offeredEntries"]!.GetValue<long>());
        Assert.Equal(0, status["endpoints"]!.GetValue<int>());
        Assert.Null(status["appliedRevision"]?.GetValue<long?>());
        Assert.Empty((await api.SendOkAsync(HttpMethod.Get, "/api/v1/workloads"))!.AsArray());

        await Connectivity.ExpectAsync(output, "store lost: rules stay in the kernel", enforced, system.Logs);
        var metrics = await system.AgentMetricsAsync(node);
        Assert.Contains($"microseg_agent_control_plane_held{{node=\"{node}\",reason=\"cluster-identity-changed\"", metrics);
        Assert.Contains($"microseg_agent_control_plane_held_entries{{node=\"{node}\",state=\"offered\"}} 0", metrics);
        Assert.Contains("Keeping the last applied state and waiting for an operator (cluster-identity-changed)", system.Logs[1].Output);

        // A container restart during the hold: the re-created veth gets the held state's programs back.
        system.Network.RecreateVeth(pods["b"]);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(2);
        while (!TcFilters.HasOurPrograms(pods["b"].HostInterface))
        {
            Assert.True(DateTime.UtcNow < deadline, "during the hold the re-created veth got no program within 2 s\n" + string.Join('\n', system.Logs.Select(l => l.Tail())));
            await Task.Delay(20);
        }
        await Connectivity.ExpectAsync(output, "held state enforced on the re-created veth", enforced, system.Logs);

        // The operator decides: the new (empty) state applies, so nothing is enforced any more.
        var accepted = await api.SendOkAsync(HttpMethod.Post, $"/api/v1/nodes/{node}/accept");
        Assert.Equal(hold["id"]!.GetValue<string>(), accepted!["id"]!.GetValue<string>());
        await WaitForStatusAsync(api, node, s => s["hold"] is null && s["appliedRevision"]?.GetValue<long?>() == s["revision"]!.GetValue<long>(), system);
        await Connectivity.ExpectAsync(output, "accepted: the empty state is applied", Connectivity.Matrix(pods, Ports, (_, _, _) => true), system.Logs);
        Assert.Contains($"microseg_agent_control_plane_held{{node=\"{node}\",reason=\"\"", await system.AgentMetricsAsync(node));
        using var again = await api.SendAsync(HttpMethod.Post, $"/api/v1/nodes/{node}/accept");
        Assert.Equal(System.Net.HttpStatusCode.Conflict, again.StatusCode);
    }

    private static bool PolicyAllows(string from, string to, int port) => to != "b" || (from == "a" && port == 80);

    private static async Task<JsonNode> WaitForStatusAsync(SiloApi api, string node, Func<JsonNode, bool> condition, MicroSegSystem system)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(45);
        JsonNode? last = null;
        while (DateTime.UtcNow < deadline)
        {
            using var response = await api.SendAsync(HttpMethod.Get, $"/api/v1/nodes/{node}");
            if (response.IsSuccessStatusCode)
            {
                last = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
                if (condition(last))
                    return last;
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"node {node}: status never matched; last {last?.ToJsonString() ?? "none"}\n" + string.Join('\n', system.Logs.Select(l => l.Tail())));
    }
}
