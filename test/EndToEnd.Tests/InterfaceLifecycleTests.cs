using System.Diagnostics;
using System.Text.Json.Nodes;
using MicroSeg.EndToEnd.Tests.Infrastructure;
using MicroSeg.Testing;
using Xunit.Abstractions;

namespace MicroSeg.EndToEnd.Tests;

/// <summary>
/// Interfaces that change under a running agent, and interfaces it must not touch: real silo and agent
/// processes, pods on veths. A container restart re-creates its veth (same name, new ifindex) and the
/// agent re-attaches within a second; node status reports an attachment only when the kernel holds
/// our programs; a workload naming a device that is not a veth is refused with a reason.
/// </summary>
public sealed class InterfaceLifecycleTests(ITestOutputHelper output)
{
    private static readonly object BIsolated = new
    {
        id = "b-isolated",
        selector = new { matchLabels = new Dictionary<string, string> { ["app"] = "b" } },
        ingress = Array.Empty<object>(),
    };

    [Fact]
    public async Task Veth_DeletedAndRecreated_ReattachedWithinTwoSeconds_StatusFollowsKernel_NonVethRefused()
    {
        await using var system = await MicroSegSystem.StartAsync(output);
        var a = system.AddPod("a", "198.18.0.1/24", 80);
        var b = system.AddPod("b", "198.18.0.2/24", 80);
        var node = system.NodeName("n1");
        system.StartAgent(node);
        var api = system.Api;
        await system.RegisterAsync(node, "a", a);
        await system.RegisterAsync(node, "b", b);
        // A typo that names the pods' bridge (a device of this test) instead of a veth.
        await api.SendOkAsync(HttpMethod.Put, "/api/v1/workloads/typo", new
        {
            node, @interface = system.Network.Bridge, addresses = Array.Empty<string>(), labels = new Dictionary<string, string> { ["app"] = "typo" },
        });
        await api.SendOkAsync(HttpMethod.Post, "/api/v1/policies", BIsolated);
        var status = await api.WaitConvergedAsync(node, TimeSpan.FromSeconds(30), system.Logs);

        // The bridge is refused, with a reason that says what it is and how to allow it, and never attached to.
        var refused = Assert.Single(status["lastAck"]!["refusedInterfaces"]!.AsArray());
        Assert.Equal(system.Network.Bridge, refused!["interface"]!.GetValue<string>());
        Assert.Contains("'bridge' device, not veth", refused["reason"]!.GetValue<string>());
        Assert.Contains("--interfaces", refused["reason"]!.GetValue<string>());
        Assert.False(TcFilters.HasAnyOfOurs(system.Network.Bridge), "the agent attached to the bridge it refused");
        Assert.Equal([a.HostInterface, b.HostInterface], Attached(status).Order());
        Assert.False(await a.CanConnectTcpAsync(b.Address, 80, Connectivity.Timeout), "b is isolated: a->b:80 must be blocked");

        // The veth goes away: status stops reporting it attached, because the kernel no longer has it.
        system.Network.DeleteVeth(b);
        status = await WaitStatusAsync(api, node, s => !Attached(s).Contains(b.HostInterface), system);
        Assert.Contains(b.HostInterface, status["lastAck"]!["missingInterfaces"]!.AsArray().Select(n => n!.GetValue<string>()));

        // Re-created with the same name (a container restart): blocked again within 2 s, and status says
        // attached only once the kernel's hooks hold our programs.
        var recreated = Stopwatch.StartNew();
        system.Network.RecreateVeth(b);
        var deadline = TimeSpan.FromSeconds(2);
        while (true)
        {
            // Status first, kernel second: status may only claim what the kernel already holds.
            var reported = Attached(await NodeStatusAsync(api, node)).Contains(b.HostInterface);
            var inKernel = TcFilters.HasOurPrograms(b.HostInterface);
            Assert.True(inKernel || !reported, "node status reported the re-created veth attached before the kernel held our programs");
            if (inKernel)
                break;
            Assert.True(recreated.Elapsed < deadline, $"{b.HostInterface} had no MicroSeg program {deadline.TotalSeconds} s after it was re-created\n"
                + string.Join('\n', system.Logs.Select(l => l.Tail())));
            await Task.Delay(20);
        }
        output.WriteLine($"re-attached {recreated.ElapsedMilliseconds} ms after the veth was re-created");
        Assert.False(await a.CanConnectTcpAsync(b.Address, 80, TimeSpan.FromSeconds(1)), "after the re-attach a->b:80 must be blocked again");
        Assert.True(recreated.Elapsed < deadline + TimeSpan.FromSeconds(1.5), $"blocked only after {recreated.Elapsed}");
        Assert.True(await b.CanConnectTcpAsync(a.Address, 80, Connectivity.Timeout), "b's egress is not isolated: b->a:80 works on the new veth");
        status = await WaitStatusAsync(api, node, s => Attached(s).Contains(b.HostInterface), system);
        Assert.True(TcFilters.HasOurPrograms(b.HostInterface));
    }

    private static IReadOnlyList<string> Attached(JsonNode status) =>
        status["lastAck"]?["attachedInterfaces"]?.AsArray().Select(n => n!.GetValue<string>()).ToList() ?? [];

    private static async Task<JsonNode> NodeStatusAsync(SiloApi api, string node) =>
        (await api.SendOkAsync(HttpMethod.Get, $"/api/v1/nodes/{node}"))!;

    /// <summary>Waits (2 s at most: the agent reacts to link changes at once) until the node's status satisfies <paramref name="condition"/>.</summary>
    private static async Task<JsonNode> WaitStatusAsync(SiloApi api, string node, Func<JsonNode, bool> condition, MicroSegSystem system)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var status = await NodeStatusAsync(api, node);
            if (condition(status))
                return status;
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(2), $"node status did not change as expected within 2 s: {status.ToJsonString()}\n"
                + string.Join('\n', system.Logs.Select(l => l.Tail())));
            await Task.Delay(50);
        }
    }
}
