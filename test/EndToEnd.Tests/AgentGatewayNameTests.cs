using MicroSeg.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace MicroSeg.EndToEnd.Tests;

/// <summary>
/// A real agent process given its gateway as a host name ("localhost", from /etc/hosts through the system
/// resolver) reaches the real silo and enforces, and logs what the name resolved to. That the agent follows a
/// name to new addresses is shown with a real client and two real silos in NodeAgent.Tests (DnsGatewayFollowTests).
/// </summary>
public sealed class AgentGatewayNameTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Agent_GatewayGivenAsHostName_ResolvesItConnectsAndEnforces()
    {
        await using var system = await MicroSegSystem.StartAsync(output);
        var a = system.AddPod("a", "198.18.0.1/24", 80);
        var b = system.AddPod("b", "198.18.0.2/24", 80);
        var node = system.NodeName("byname");
        system.GatewayHost = "localhost";
        system.StartAgent(node);
        await system.RegisterAsync(node, "a", a);
        await system.RegisterAsync(node, "b", b);
        await system.Api.SendOkAsync(HttpMethod.Post, "/api/v1/policies", new
        {
            id = "byname-b-isolated",
            selector = new { matchLabels = new Dictionary<string, string> { ["app"] = "b" } },
            ingress = Array.Empty<object>(),
        });
        await system.ConvergeAsync();

        Assert.False(await a.CanConnectTcpAsync(b.Address, 80, Connectivity.Timeout), "b is isolated: a->b:80 must be blocked");
        Assert.True(await b.CanConnectTcpAsync(a.Address, 80, Connectivity.Timeout), "a is not isolated: b->a:80 must work");
        Assert.Contains("Gateway localhost:", system.Agent(node).Output);
        Assert.Contains("resolves to 127.0.0.1", system.Agent(node).Output);
    }
}
