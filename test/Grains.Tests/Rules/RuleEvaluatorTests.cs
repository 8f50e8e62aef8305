using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Workloads;
using MicroSeg.Grains.Rules;
using MicroSeg.Grains.Tests.Kubernetes;

namespace MicroSeg.Grains.Tests.Rules;

public sealed class RuleEvaluatorTests
{
    /// <summary>
    /// On random clusters and policies (selectors, namespace selectors, named ports, blocks with except, deny), the
    /// evaluator agrees with the test oracle of the data plane's lookups for every sampled connection, across nodes.
    /// </summary>
    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    public void Evaluate_RandomClusters_AgreesWithDataPlaneOracle(int seed)
    {
        var random = new Random(seed);
        var cluster = new RandomCluster(random);
        cluster.Change(60);
        var workloads = cluster.Snapshot();
        var policies = cluster.Policies();
        var model = new ClusterRuleModel(workloads, policies, NamespaceLabels.Empty);
        var evaluator = new RuleEvaluator(model);
        var oracles = Enumerable.Range(0, RandomCluster.Nodes).ToDictionary(n => $"n{n}",
            n => new PolicyOracle(NodeRuleCompiler.Compile($"n{n}", model, new NodeIdAllocations())));
        // Addresses that only one workload lists, so "the workload at this address" is unambiguous.
        var owners = workloads.SelectMany(w => w.Spec.Addresses.Select(a => (Address: a, Workload: w))).GroupBy(x => x.Address)
            .Where(g => g.Count() == 1).Select(g => g.Single()).ToList();

        var disagreements = new List<string>();
        for (var i = 0; i < 3000; i++)
        {
            var (srcAddress, src) = owners[random.Next(owners.Count)];
            var (dstAddress, dst) = random.Next(10) == 0 ? ("203.0.113.9", (WorkloadRecord?)null) : owners[random.Next(owners.Count)];
            if (srcAddress == dstAddress)
                continue;
            var protocol = random.Next(4) switch { 0 => (byte)17, 1 => (byte)1, _ => (byte)6 };
            var port = (ushort)(random.Next(3) == 0 ? 8000 + random.Next(3) : 80 + random.Next(10));
            var expected = Oracle(oracles, src, srcAddress, dst, dstAddress, protocol, port);
            var actual = evaluator.Evaluate(srcAddress, dstAddress, protocol, port);
            if (actual.Allowed != expected)
                disagreements.Add($"{src.Spec.Id}({srcAddress})->{dst?.Spec.Id}({dstAddress}) {protocol}/{port}: evaluator {actual}, oracle {(expected ? "allow" : "deny")}");
        }
        Assert.True(disagreements.Count == 0, string.Join("\n", disagreements.Take(20)));
    }

    [Fact]
    public void Evaluate_NamesTheDecidingRuleOrIsolatingPolicy()
    {
        WorkloadRecord[] workloads =
        [
            new(new WorkloadSpec { Id = "a", Node = "n1", Interface = "va", Addresses = ["198.18.50.1"], Labels = new Dictionary<string, string> { ["app"] = "a" } }, 256),
            new(new WorkloadSpec { Id = "b", Node = "n2", Interface = "vb", Addresses = ["198.18.50.2"], Labels = new Dictionary<string, string> { ["app"] = "b" } }, 257),
        ];
        PolicySpec[] policies =
        [
            new()
            {
                Id = "b-accepts-a", Selector = new LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "b" } },
                Ingress = [new PolicyRule { From = [new PolicyPeer { Selector = new LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "a" } } }], Ports = [new PolicyPort { Port = 80 }] }],
            },
            new()
            {
                Id = "no-81", Action = PolicyAction.Deny, Selector = new LabelSelector(),
                Egress = [new PolicyRule { Ports = [new PolicyPort { Port = 81 }] }],
            },
            new() { Id = "ignored-draft", Draft = true, Selector = new LabelSelector(), Ingress = [] },
        ];
        var evaluator = new RuleEvaluator(new ClusterRuleModel(workloads, policies, NamespaceLabels.Empty));

        Assert.Equal(new EvaluatedVerdict(true, "rule", "ingress of b", "b-accepts-a/ingress/0"), evaluator.Evaluate("198.18.50.1", "198.18.50.2", 6, 80));
        Assert.Equal(new EvaluatedVerdict(false, "default-deny", "ingress of b", "b-accepts-a"), evaluator.Evaluate("198.18.50.1", "198.18.50.2", 6, 82));
        Assert.Equal(new EvaluatedVerdict(false, "rule", "egress of a", "no-81/egress/0"), evaluator.Evaluate("198.18.50.1", "198.18.50.2", 6, 81));
        // a is not isolated for ingress (the only policy that would isolate everyone is a draft).
        Assert.Equal(new EvaluatedVerdict(true, "no-policy", "ingress of a", null), evaluator.Evaluate("198.18.50.2", "198.18.50.1", 6, 80));
        Assert.Equal(new EvaluatedVerdict(true, "no-policy", "none", null), evaluator.Evaluate("203.0.113.1", "203.0.113.2", 6, 80));
    }

    /// <summary>
    /// When several allows match, the evaluator names the one Bpf/lib/policy.h reports: it probes this peer's exact
    /// port, its port ranges, its whole protocol, then the same for any peer, and only then "any protocol" rules.
    /// (GET /api/v1/why names this rule; before the two evaluators were merged, RuleEvaluator named "a-all" in both cases.)
    /// </summary>
    [Fact]
    public void Evaluate_SeveralAllows_NamesTheMostSpecificAsTheDataPlaneProbes()
    {
        WorkloadRecord[] workloads =
        [
            new(new WorkloadSpec { Id = "a", Node = "n1", Interface = "va", Addresses = ["198.18.51.1"], Labels = new Dictionary<string, string> { ["app"] = "a" } }, 256),
            new(new WorkloadSpec { Id = "b", Node = "n2", Interface = "vb", Addresses = ["198.18.51.2"], Labels = new Dictionary<string, string> { ["app"] = "b" } }, 257),
        ];
        var b = new LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "b" } };
        PolicyPeer[] fromA = [new PolicyPeer { Selector = new LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "a" } } }];
        PolicySpec Policy(string id, PolicyRule rule) => new() { Id = id, Selector = b, Ingress = [rule] };
        var anyPeer80 = Policy("any-80", new PolicyRule { Ports = [new PolicyPort { Port = 80 }] });
        var aEverything = Policy("a-all", new PolicyRule { From = fromA });
        var aRange = Policy("a-range", new PolicyRule { From = fromA, Ports = [new PolicyPort { Port = 80, EndPort = 90 }] });

        var withRange = new RuleEvaluator(new ClusterRuleModel(workloads, [aEverything, aRange, anyPeer80], NamespaceLabels.Empty));
        // This peer's range ranks before any peer's exact port and before this peer's "any protocol".
        Assert.Equal(new EvaluatedVerdict(true, "rule", "ingress of b", "a-range/ingress/0"), withRange.Evaluate("198.18.51.1", "198.18.51.2", 6, 80));
        var withoutRange = new RuleEvaluator(new ClusterRuleModel(workloads, [aEverything, anyPeer80], NamespaceLabels.Empty));
        // Any peer's exact port ranks before this peer's "any protocol".
        Assert.Equal(new EvaluatedVerdict(true, "rule", "ingress of b", "any-80/ingress/0"), withoutRange.Evaluate("198.18.51.1", "198.18.51.2", 6, 80));
        // Only the "any protocol" rule admits ICMP.
        Assert.Equal(new EvaluatedVerdict(true, "rule", "ingress of b", "a-all/ingress/0"), withoutRange.Evaluate("198.18.51.1", "198.18.51.2", 1, null));
    }

    private static bool Oracle(Dictionary<string, PolicyOracle> oracles, WorkloadRecord src, string srcAddress, WorkloadRecord? dst, string dstAddress, byte protocol, ushort port)
    {
        if (src.Spec.Interface is not null && !oracles[src.Spec.Node].Allows(src.Spec.Id, srcAddress, null, dstAddress, protocol, port))
            return false;
        return dst?.Spec.Interface is null || oracles[dst.Spec.Node].Allows(null, srcAddress, dst.Spec.Id, dstAddress, protocol, port);
    }
}
