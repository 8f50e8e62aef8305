using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Rules;
using MicroSeg.Grains.Simulations;
using static MicroSeg.Grains.Tests.Recommendations.FlowSamples;

namespace MicroSeg.Grains.Tests.Simulations;

public sealed class FlowReplayTests
{
    [Fact]
    public void Run_CountsAllowedDeniedChanged_SkipsWhatPolicyNeverDecides()
    {
        var a = Workload("a", "198.18.60.1", "a");
        var b = Workload("b", "198.18.60.2", "b");
        var c = Workload("c", "198.18.60.3", "c");
        var workloads = Records([a, b, c]);
        var bAcceptsA = new PolicySpec
        {
            Id = "b-accepts-a",
            Selector = new LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "b" } },
            Ingress = [new PolicyRule { From = [new PolicyPeer { Selector = new LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "a" } } }], Ports = [new PolicyPort { Port = 80 }] }],
        };
        var today = new RuleEvaluator(new ClusterRuleModel(workloads, [], NamespaceLabels.Empty));
        var simulated = new RuleEvaluator(new ClusterRuleModel(workloads, [bAcceptsA], NamespaceLabels.Empty));
        var flows = new[]
        {
            Flow(a, b, 80),
            Flow(c, b, 80),
            Flow(c, b, 81),
            Flow(b, a, 80),
            Flow(a, a.Addresses[0], b, b.Addresses[0], null, protocol: "ICMPv6", reason: "nd"),
        };

        var result = FlowReplay.Run(flows, today, simulated, examples: 1, truncated: false);

        // a->b:80 and b->a:80 stay allowed; c->b on 80 and 81 become denied; neighbour discovery is not replayed.
        Assert.Equal((5L, 1L, 2L, 2L, 2L, 2L, 0L), (result.Flows, result.Skipped, result.Allowed, result.Denied, result.Changed, result.NewlyDenied, result.NewlyAllowed));
        var example = Assert.Single(result.ChangedExamples);
        Assert.Equal(("allow", "deny"), (example.Today, example.Simulated));
        Assert.Equal("c", example.Flow.Src.Workload);
        Assert.Equal("ingress of b: default-deny (b-accepts-a)", example.Decision);
        Assert.Equal("c", Assert.Single(result.DeniedExamples).Flow.Src.Workload);
    }
}
