using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using MicroSeg.EndToEnd.Tests.Infrastructure;
using MicroSeg.Testing;
using Xunit.Abstractions;

namespace MicroSeg.EndToEnd.Tests;

/// <summary>
/// Exact policy semantics on real veth traffic (real silo and agent processes): an ipBlock over workload
/// addresses, one holder per address, and addresses that are not canonical never reaching the kernel.
/// </summary>
public sealed class PolicySemanticsEnforcementTests(ITestOutputHelper output)
{
    private static readonly int[] Ports = [80];

    /// <summary>The upstream conformance case "should ensure an IP overlapping both IPBlock.CIDR and IPBlock.Except is allowed".</summary>
    [Fact]
    public async Task IpBlock_OverWorkloadAddresses_ExceptAndReplacementAreEnforced()
    {
        await using var system = await MicroSegSystem.StartAsync(output);
        var (pods, node) = await StartPodsAsync(system);

        await ApplyNetworkPolicyAsync(system, """{cidr: 192.0.0.0/4, except: [198.18.1.2/32]}""");
        await Connectivity.ExpectAsync(output, "ipBlock 192.0.0.0/4 except b", [
            new Flow(pods["a"], pods["c"], 80, true),
            new Flow(pods["a"], pods["b"], 80, false),
            new Flow(pods["b"], pods["c"], 80, true),
        ], system.Logs);

        await ApplyNetworkPolicyAsync(system, """{cidr: 198.18.1.2/32}""");
        var rules = await system.Api.SendOkAsync(HttpMethod.Get, $"/api/v1/nodes/{node}/rules");
        Assert.Contains(rules!["policy"]!.AsArray(), e => e!["workloadId"]!.GetValue<string>() == "a" && e["direction"]!.GetValue<string>() == "egress");
        await Connectivity.ExpectAsync(output, "ipBlock replaced by b's address", [
            new Flow(pods["a"], pods["b"], 80, true),
            new Flow(pods["a"], pods["c"], 80, false),
            new Flow(pods["c"], pods["b"], 80, true),
        ], system.Logs);
    }

    [Fact]
    public async Task DuplicateAndNonCanonicalAddresses_AreRefused_AndTrafficKeepsItsIdentity()
    {
        await using var system = await MicroSegSystem.StartAsync(output);
        var (pods, node) = await StartPodsAsync(system);
        var api = system.Api;
        // c accepts TCP 80 from app=a only.
        await api.SendOkAsync(HttpMethod.Put, "/api/v1/policies/c-from-a", new
        {
            selector = new { matchLabels = new Dictionary<string, string> { ["app"] = "c" } },
            ingress = new[] { new { from = new[] { new { selector = new { matchLabels = new Dictionary<string, string> { ["app"] = "a" } } } } } },
        });
        await system.ConvergeAsync();
        var before = await api.SendOkAsync(HttpMethod.Get, $"/api/v1/nodes/{node}");
        await Connectivity.ExpectAsync(output, "policy on c", [new Flow(pods["a"], pods["c"], 80, true), new Flow(pods["b"], pods["c"], 80, false)], system.Logs);

        // A workload labelled app=a claiming b's address would make b's traffic pass as app=a: refused, naming b.
        using (var conflict = await api.SendAsync(HttpMethod.Put, "/api/v1/workloads/imposter", Workload(node, pods["b"].HostInterface, pods["b"].Address.ToString(), "a")))
        {
            var problem = await ProblemAsync(conflict, HttpStatusCode.Conflict);
            Assert.Equal("b", problem["holder"]!.GetValue<string>());
            Assert.Equal("addresses[0]", problem["errors"]![0]!["field"]!.GetValue<string>());
        }
        using (var octal = await api.SendAsync(HttpMethod.Put, "/api/v1/workloads/octal", Workload(node, null, "010.000.000.001", "a")))
            Assert.Equal("addresses[0]", (await ProblemAsync(octal, HttpStatusCode.BadRequest))["errors"]![0]!["field"]!.GetValue<string>());
        using (var badInterface = await api.SendAsync(HttpMethod.Put, "/api/v1/workloads/iface", Workload(node, "eth0:1", "198.18.1.9", "a")))
            Assert.Equal("interface", (await ProblemAsync(badInterface, HttpStatusCode.BadRequest))["errors"]![0]!["field"]!.GetValue<string>());
        using (var octalBlock = await api.SendAsync(HttpMethod.Post, "/api/v1/networkpolicies", new StringContent(
            NetworkPolicy("""{cidr: 198.18.0.0/16, except: [198.18.01.0/24]}"""), Encoding.UTF8, "application/yaml")))
            Assert.Equal("documents[0].spec.egress[0].to[0].ipBlock.except[0]", (await ProblemAsync(octalBlock, HttpStatusCode.BadRequest))["errors"]![0]!["field"]!.GetValue<string>());

        // Nothing changed: same revision, same verdicts, no imposter.
        await system.ConvergeAsync();
        var after = await api.SendOkAsync(HttpMethod.Get, $"/api/v1/nodes/{node}");
        Assert.Equal(before!["revision"]!.GetValue<long>(), after!["revision"]!.GetValue<long>());
        using (var missing = await api.SendAsync(HttpMethod.Get, "/api/v1/workloads/imposter"))
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        await Connectivity.ExpectAsync(output, "after the refused claims", [new Flow(pods["a"], pods["c"], 80, true), new Flow(pods["b"], pods["c"], 80, false)], system.Logs);

        // Moving the address is explicit: once b gives it up, the new workload may take it.
        await api.SendOkAsync(HttpMethod.Delete, "/api/v1/workloads/b");
        await api.SendOkAsync(HttpMethod.Put, "/api/v1/workloads/b2", Workload(node, pods["b"].HostInterface, pods["b"].Address.ToString(), "a"));
        await system.ConvergeAsync();
        await Connectivity.ExpectAsync(output, "address moved to an app=a workload", [new Flow(pods["b"], pods["c"], 80, true)], system.Logs);
    }

    /// <summary>Pods a, b, c at 198.18.1.1-3 in namespace default on one node, registered and converged.</summary>
    private static async Task<(Dictionary<string, TestPod> Pods, string Node)> StartPodsAsync(MicroSegSystem system)
    {
        var pods = new Dictionary<string, TestPod>
        {
            ["a"] = system.AddPod("a", "198.18.1.1/24", Ports),
            ["b"] = system.AddPod("b", "198.18.1.2/24", Ports),
            ["c"] = system.AddPod("c", "198.18.1.3/24", Ports),
        };
        var node = system.NodeName("n1");
        system.StartAgent(node);
        foreach (var (name, pod) in pods)
            await system.Api.SendOkAsync(HttpMethod.Put, $"/api/v1/workloads/{name}", Workload(node, pod.HostInterface, pod.Address.ToString(), name));
        await system.ConvergeAsync();
        return (pods, node);
    }

    private static async Task ApplyNetworkPolicyAsync(MicroSegSystem system, string ipBlock)
    {
        await system.Api.SendOkAsync(HttpMethod.Post, "/api/v1/networkpolicies", new StringContent(NetworkPolicy(ipBlock), Encoding.UTF8, "application/yaml"));
        await system.ConvergeAsync();
    }

    private static string NetworkPolicy(string ipBlock) => $$$"""
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: a-egress, namespace: default}
        spec:
          podSelector: {matchLabels: {app: a}}
          policyTypes: [Egress]
          egress:
          - to:
            - ipBlock: {{{ipBlock}}}
        """;

    private static object Workload(string node, string? @interface, string address, string app) => new
    {
        node,
        @interface,
        addresses = new[] { address },
        labels = new Dictionary<string, string> { ["app"] = app },
    };

    private static async Task<JsonObject> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {status}, got {response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(text)!.AsObject();
    }
}
