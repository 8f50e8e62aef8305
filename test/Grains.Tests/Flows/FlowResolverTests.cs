using MicroSeg.Grains.Flows;
using MicroSeg.Grains.Interfaces.Flows;
using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Workloads;
using MicroSeg.Grains.Rules;

namespace MicroSeg.Grains.Tests.Flows;

public sealed class FlowResolverTests
{
    private static readonly IReadOnlyList<WorkloadRecord> Workloads =
    [
        new(new WorkloadSpec { Id = "a", Node = "n1", Interface = "va", Addresses = ["198.18.0.1"], Labels = new Dictionary<string, string> { ["app"] = "a" } }, 256),
        new(new WorkloadSpec { Id = "b", Node = "n1", Interface = "vb", Addresses = ["198.18.0.2"], Labels = new Dictionary<string, string> { ["app"] = "b" }, Namespace = "shop" }, 257),
        new(new WorkloadSpec { Id = "peer", Node = "n2", Addresses = ["198.18.0.9"], Labels = new Dictionary<string, string> { ["app"] = "peer" } }, 258),
    ];

    private static readonly LabelSelector SelectB = new() { MatchLabels = new Dictionary<string, string> { ["app"] = "b" } };

    private static readonly IReadOnlyList<PolicySpec> Policies =
    [
        // Both isolate b's ingress; the first by id is named for a default deny.
        new() { Id = "z-also-b", Selector = SelectB, Ingress = [] },
        new() { Id = "b-accepts-a", Selector = SelectB, Ingress = [new PolicyRule()] },
        new() { Id = "deny-nothing", Selector = SelectB, Action = PolicyAction.Deny, Ingress = [] },
    ];

    private static readonly ClusterRuleModel Model = new(Workloads, Policies, NamespaceLabels.Empty);

    private static readonly NodeRules Rules = new("n1", "e", 3, [], [],
        [new PolicyEntry("b", TrafficDirection.Ingress, 256, 6, 80, PolicyAction.Allow, 17, "b-accepts-a/ingress/0")]);

    [Fact]
    public void Resolve_RuleId_NamesItsPolicy_AndBothWorkloads()
    {
        var flow = FlowResolver.Resolve("n1", Sample(TrafficDirection.Ingress, "198.18.0.1", "198.18.0.2", FlowVerdict.Allow, 17, "policy-allow"), Model, Rules)!;

        Assert.Equal("b-accepts-a", flow.Record.Policy);
        Assert.Equal("rule", flow.Record.Reason);
        Assert.Equal("allow", flow.Record.Verdict);
        Assert.Equal(new FlowEndpoint("a", "default", "198.18.0.1"), flow.Record.Src);
        Assert.Equal(new FlowEndpoint("b", "shop", "198.18.0.2", 80), flow.Record.Dst);
        Assert.Equal("a->b", flow.EdgeKey);
        Assert.Equal("b", flow.Dst.Labels["app"]);
    }

    [Fact]
    public void Resolve_DefaultDeny_NamesFirstAllowPolicyIsolatingTheDirection()
    {
        var flow = FlowResolver.Resolve("n1", Sample(TrafficDirection.Ingress, "198.18.0.9", "198.18.0.2", FlowVerdict.WouldDeny, 0, "default-deny"), Model, Rules)!;

        Assert.Equal("b-accepts-a", flow.Record.Policy);
        Assert.Equal("default-deny", flow.Record.Reason);
        Assert.Equal("would-deny", flow.Record.Verdict);
        Assert.Equal("peer", flow.Record.Src.Workload);
    }

    [Fact]
    public void Resolve_DefaultAllowToAnAddressOutsideWorkloads_NoPolicy_ExternalBlock()
    {
        var flow = FlowResolver.Resolve("n1", Sample(TrafficDirection.Egress, "198.18.0.1", "198.18.77.5", FlowVerdict.Allow, 0, "default-allow"), Model, Rules)!;

        Assert.Null(flow.Record.Policy);
        Assert.Equal("no-policy", flow.Record.Reason);
        Assert.Null(flow.Record.Dst.Workload);
        Assert.Equal("a->198.18.77.0/24", flow.EdgeKey);
        Assert.False(flow.Dst.IsWorkload);
    }

    [Fact]
    public void Resolve_AllowedEgressToAnEnforcedWorkload_LeftToTheDestinationsReport()
    {
        Assert.Null(FlowResolver.Resolve("n1", Sample(TrafficDirection.Egress, "198.18.0.1", "198.18.0.2", FlowVerdict.Allow, 0, "default-allow"), Model, Rules));
        // A peer without an interface reports nothing of its own: the source's report counts.
        Assert.NotNull(FlowResolver.Resolve("n1", Sample(TrafficDirection.Egress, "198.18.0.1", "198.18.0.9", FlowVerdict.Allow, 0, "default-allow"), Model, Rules));
        // A denial at the source is the only report of that connection.
        Assert.NotNull(FlowResolver.Resolve("n1", Sample(TrafficDirection.Egress, "198.18.0.1", "198.18.0.2", FlowVerdict.Deny, 0, "default-deny"), Model, Rules));
    }

    [Theory]
    [InlineData("198.18.9.77", "198.18.9.0/24")]
    [InlineData("fd00:198:18:5::7", "fd00:198:18:5::/64")]
    public void ExternalBlock_Slash24Or64(string address, string block) => Assert.Equal(block, FlowResolver.ExternalBlock(address));

    private static FlowSample Sample(TrafficDirection direction, string src, string dst, FlowVerdict verdict, uint rule, string reason) =>
        new(direction == TrafficDirection.Ingress ? "b" : "a", direction, src, dst, 80, 6, verdict, rule, reason, 3,
            DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddSeconds(1), 2, 4, 0);
}
