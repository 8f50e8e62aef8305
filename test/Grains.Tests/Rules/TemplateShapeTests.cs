using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Workloads;
using MicroSeg.Grains.Nodes;
using MicroSeg.Grains.Rules;

namespace MicroSeg.Grains.Tests.Rules;

/// <summary>
/// Nodes share one entry shape per identity and snapshot and add their own rule numbers: the entries each node holds must be exactly
/// what it would build alone, and a delta between templates that number a rule differently must still carry the new number.
/// </summary>
public sealed class TemplateShapeTests
{
    // app "web" on both nodes (one identity), "api" with a named port of its own on n1, peers on n3.
    private static readonly WorkloadRecord[] Cluster =
    [
        Workload("web-1", "n1", "web", "198.18.40.1", 400),
        Workload("web-2", "n2", "web", "198.18.40.2", 400),
        Workload("api-1", "n1", "api", "198.18.40.3", 401) with { Spec = Workload("api-1", "n1", "api", "198.18.40.3", 401).Spec with { Ports = new Dictionary<string, string> { ["grpc"] = "TCP/9090" } } },
        Workload("api-2", "n2", "api", "198.18.40.4", 401) with { Spec = Workload("api-2", "n2", "api", "198.18.40.4", 401).Spec with { Ports = new Dictionary<string, string> { ["grpc"] = "TCP/9090" } } },
        Workload("peer-1", "n3", "peer", "198.18.40.5", 402),
    ];

    private static readonly PolicySpec[] Policies =
    [
        Allow("web-in", "web", "peer", 80),
        Allow("web-in-2", "web", "api", 8080),
        new() { Id = "api-in", Selector = Sel("api"), Ingress = [new PolicyRule { From = [Peer("peer")], Ports = [new PolicyPort { Port = "grpc" }] }] },
    ];

    [Fact]
    public void NodesHostingOneIdentity_ShareItsShape_AndStampTheirOwnRuleNumbers()
    {
        var model = new ClusterRuleModel(Cluster, Policies, NamespaceLabels.Empty);
        var n1 = new NodeIdAllocations();
        var n2 = new NodeIdAllocations();
        // n2 numbered other rules first, so its numbers for the same rules differ from n1's.
        n2.RuleId("old/ingress/0", []);
        n2.RuleId("older/ingress/0", []);

        var one = NodeRuleCompiler.Compile("n1", model, n1);
        var two = NodeRuleCompiler.Compile("n2", model, n2);

        Assert.Same(one.PolicySlices["web-1"].Template.Shape, two.PolicySlices["web-2"].Template.Shape);
        // A workload with named ports of its own resolves them itself: no shared shape.
        Assert.NotSame(one.PolicySlices["api-1"].Template.Shape, two.PolicySlices["api-2"].Template.Shape);
        foreach (var (compiled, ids) in new[] { (one, n1), (two, n2) })
        {
            Assert.All(compiled.Policy, e => Assert.Equal(ids.RuleIds[e.Source], e.RuleId));
            // The same entries as a computation of that node alone, from a model no other node used.
            var alone = NodeRuleCompiler.Compile(compiled == one ? "n1" : "n2", new ClusterRuleModel(Cluster, Policies, NamespaceLabels.Empty), ids);
            Assert.Equal(alone.Policy, compiled.Policy);
        }
        Assert.NotEqual(one.Policy.Single(e => e.Source == "web-in/ingress/0").RuleId, two.Policy.Single(e => e.Source == "web-in/ingress/0").RuleId);
    }

    [Fact]
    public void Delta_BetweenTemplatesThatNumberARuleDifferently_SetsItsEntriesWithTheNewNumber()
    {
        var shape = TemplateShape.Of([Entry(402, 80, "web-in/ingress/0")], ["web-in/ingress/0"]);
        var before = new EntryTemplate(shape, [7]);
        var after = new EntryTemplate(shape, [9]);
        Assert.False(after.NumbersRulesAs(before));

        var delta = NodeDeltaBuilder.Between(Snapshot(before, 1), Snapshot(after, 2));

        var set = Assert.Single(delta.PolicySet);
        Assert.Equal(("web-1", 9u), (set.WorkloadId, set.RuleId));
        Assert.Empty(delta.PolicyRemoved);
    }

    [Fact]
    public void ShapeDiff_SetsChangedAndNewEntries_RemovesTheRest_AndIsKeptForTheNextNode()
    {
        string[] sources = ["a/ingress/0", "b/ingress/0"];
        var from = TemplateShape.Of([Entry(1, 80, "a/ingress/0"), Entry(2, 80, "a/ingress/0"), Entry(3, 80, "b/ingress/0")], sources);
        var to = TemplateShape.Of([Entry(2, 80, "b/ingress/0"), Entry(3, 80, "b/ingress/0"), Entry(4, 80, "a/ingress/0")], sources);

        var diff = to.DiffFrom(from);

        Assert.Equal([2u, 4u], diff.Set.Select(k => to.Entries[k].RemoteIdentity));
        Assert.Equal([1u], diff.Removed.Select(k => k.RemoteIdentity));
        Assert.Same(diff, to.DiffFrom(from));
    }

    private static NodeSnapshot Snapshot(EntryTemplate template, long revision)
    {
        var policy = new StampedPolicyList([("web-1", template)]);
        return new NodeSnapshot(new NodeRules("n1", "e", revision, [], [], policy),
            new Dictionary<string, PolicySlice> { ["web-1"] = new(0, template.Count, template) });
    }

    private static PolicyEntry Entry(uint remote, ushort port, string source) =>
        new("", TrafficDirection.Ingress, remote, 6, port, PolicyAction.Allow, 0, source);

    private static WorkloadRecord Workload(string id, string node, string app, string address, uint identity) =>
        new(new WorkloadSpec { Id = id, Node = node, Interface = $"v{id}", Addresses = [address], Labels = new Dictionary<string, string> { ["app"] = app } }, identity);

    private static PolicySpec Allow(string id, string app, string peerApp, int port) => new()
    {
        Id = id,
        Selector = Sel(app),
        Ingress = [new PolicyRule { From = [Peer(peerApp)], Ports = [new PolicyPort { Protocol = "TCP", Port = port }] }],
    };

    private static LabelSelector Sel(string app) => new() { MatchLabels = new Dictionary<string, string> { ["app"] = app } };

    private static PolicyPeer Peer(string app) => new() { Selector = Sel(app) };
}
