using MicroSeg.EndToEnd.Tests.Infrastructure;
using MicroSeg.Testing;
using Xunit.Abstractions;

namespace MicroSeg.EndToEnd.Tests;

/// <summary>
/// The first vertical slice, end to end: real silo and agent processes from out/bin, three pods in
/// their own network namespaces on a bridge, a label policy written through the REST API and
/// enforced by the eBPF programs on the pods' host-side veths.
/// </summary>
public sealed class PolicyEnforcementTests(ITestOutputHelper output)
{
    private static readonly int[] Ports = [80, 81];

    [Fact]
    public async Task LabelPolicy_AppliedThroughApi_IsEnforcedOnVethTraffic_AndSurvivesSiloRestart()
    {
        await using var system = await MicroSegSystem.StartAsync(output);
        var pods = new Dictionary<string, TestPod>
        {
            ["a"] = system.AddPod("a", "198.18.0.1/24", Ports),
            ["b"] = system.AddPod("b", "198.18.0.2/24", Ports),
            ["c"] = system.AddPod("c", "198.18.0.3/24", Ports),
        };
        var node = system.NodeName("n1");
        system.StartAgent(node);
        var api = system.Api;

        foreach (var (name, pod) in pods)
            await system.RegisterAsync(node, name, pod);
        await system.ConvergeAsync();

        await Connectivity.ExpectAsync(output, "before any policy", Connectivity.Matrix(pods, Ports, (_, _, _) => true), system.Logs);
        using var established = await pods["a"].OpenTcpAsync(pods["b"].Address, 80, TimeSpan.FromSeconds(5));

        // "app=b accepts TCP 80 from app=a" isolates b for ingress only.
        await api.SendOkAsync(HttpMethod.Post, "/api/v1/policies", TestPolicies.BAcceptsAOn80);
        await system.ConvergeAsync();
        await Connectivity.ExpectAsync(output, "with the policy", Connectivity.Matrix(pods, Ports, PolicyAllows), system.Logs);
        Assert.True(await established.EchoAsync(TimeSpan.FromSeconds(5)), "the a->b:80 connection opened before the policy stopped working");

        await api.SendOkAsync(HttpMethod.Delete, "/api/v1/policies/b-accepts-a-80");
        await system.ConvergeAsync();
        await Connectivity.ExpectAsync(output, "policy deleted", Connectivity.Matrix(pods, Ports, (_, _, _) => true), system.Logs);

        // Re-apply, then restart the silo: the agent keeps enforcing, reconnects, and re-syncs from storage.
        await api.SendOkAsync(HttpMethod.Put, "/api/v1/policies/b-accepts-a-80", TestPolicies.BAcceptsAOn80);
        await system.ConvergeAsync();
        var before = await api.SendOkAsync(HttpMethod.Get, $"/api/v1/nodes/{node}");
        await system.StopSiloAsync();
        await Connectivity.ExpectAsync(output, "silo down", Connectivity.Matrix(pods, Ports, PolicyAllows), system.Logs);

        await system.StartSiloAgainAsync();
        await system.ConvergeAsync();
        var after = await api.SendOkAsync(HttpMethod.Get, $"/api/v1/nodes/{node}");
        Assert.Equal(before!["revision"]!.GetValue<long>(), after!["revision"]!.GetValue<long>());
        Assert.NotNull(await api.SendOkAsync(HttpMethod.Get, "/api/v1/policies/b-accepts-a-80"));
        await Connectivity.ExpectAsync(output, "silo restarted", Connectivity.Matrix(pods, Ports, PolicyAllows), system.Logs);
        Assert.True(await established.EchoAsync(TimeSpan.FromSeconds(5)), "the long-lived a->b:80 connection broke across the silo restart");
    }

    /// <summary>Under the policy only traffic toward b is restricted: a may reach it on 80, nothing else may.</summary>
    private static bool PolicyAllows(string from, string to, int port) => to != "b" || (from == "a" && port == 80);
}
