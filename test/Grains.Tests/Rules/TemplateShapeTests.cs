using System.Runtime.CompilerServices;
using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Workloads;
using MicroSeg.Grains.Nodes;
using MicroSeg.Grains.Rules;
using static MicroSeg.Grains.Tests.Rules.AppSpecs;

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

        // What each node would give alone: the same numbers handed out in the same order from a copy of its allocations.
        var aloneOne = NodeRuleCompiler.Compile("n1", new ClusterRuleModel(Cluster, Policies, NamespaceLabels.Empty), Copy(n1));
        var aloneTwo = NodeRuleCompiler.Compile("n2", new ClusterRuleModel(Cluster, Policies, NamespaceLabels.Empty), Copy(n2));

        var one = NodeRuleCompiler.Compile("n1", model, n1);
        var two = NodeRuleCompiler.Compile("n2", model, n2);

        Assert.Same(one.PolicySlices["web-1"].Template.Shape, two.PolicySlices["web-2"].Template.Shape);
        // A workload with named ports of its own resolves them itself: no shared shape.
        Assert.NotSame(one.PolicySlices["api-1"].Template.Shape, two.PolicySlices["api-2"].Template.Shape);
        foreach (var (compiled, alone, ids) in new[] { (one, aloneOne, n1), (two, aloneTwo, n2) })
        {
            Assert.All(compiled.Policy, e => Assert.Equal(ids.RuleIds[e.Source], e.RuleId));
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

    [Fact]
    public void AnIdentityThatLeavesANodeAndComesBack_GetsTheNumbersAFreshComputationGives()
    {
        // z-1 leaves n1 and comes back; each time only n1's own workloads changed, so n1 reuses what it made.
        WorkloadRecord[] here = [Workload("x-1", "n1", "x", "198.18.41.1", 410), Workload("z-1", "n1", "z", "198.18.41.2", 411), Workload("z-2", "n2", "z", "198.18.41.3", 411)];
        PolicySpec[] policies = [Allow("x-in", "x", "z", 80), Allow("z-in", "z", "x", 443)];
        var moved = here.Select(w => w.Spec.Id == "z-1" ? w with { Spec = w.Spec with { Node = "n3" } } : w).ToArray();
        var ids = new NodeIdAllocations();
        var first = ClusterRuleModel.Next(null, here, policies, []);
        var compiled = NodeRuleCompiler.Compile("n1", first, ids);
        var away = ClusterRuleModel.Next(first, moved, policies, []);
        compiled = NodeRuleCompiler.Compile("n1", away, ids, previous: compiled);
        var back = ClusterRuleModel.Next(away, here, policies, []);
        var fresh = NodeRuleCompiler.Compile("n1", ClusterRuleModel.Next(null, here, policies, []), Copy(ids));

        compiled = NodeRuleCompiler.Compile("n1", back, ids, previous: compiled);

        Assert.Equal(fresh.Policy, compiled.Policy);
        Assert.All(compiled.Policy, e => Assert.Equal(ids.RuleIds[e.Source], e.RuleId));
    }

    [Fact]
    public void ARuleThatGivesNoEntries_LeavesTheContentHashAsItWas()
    {
        var ids = new NodeIdAllocations();
        var before = RulesHash.Of(NodeRuleCompiler.Compile("n1", Cluster, Policies, ids));

        // It selects web, but no workload is app=nobody: web's endpoints hold the same entries.
        var after = NodeRuleCompiler.Compile("n1", Cluster, [.. Policies, Allow("from-nobody", "web", "nobody", 1)], ids);

        Assert.Contains("from-nobody/ingress/0", after.PolicySlices["web-1"].Template.Sources);
        Assert.Equal(before, RulesHash.Of(after));
    }

    [Fact]
    public void AKeptDiff_DoesNotKeepEarlierShapesAlive()
    {
        var (oldest, newest) = Chain(5);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.False(oldest.TryGetTarget(out _));
        GC.KeepAlive(newest);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (WeakReference<TemplateShape> Oldest, TemplateShape Newest) Chain(int count)
    {
        var shapes = Enumerable.Range(0, count).Select(i => TemplateShape.Of([Entry((uint)i, 80, "a/ingress/0")], ["a/ingress/0"])).ToList();
        for (var i = 1; i < count; i++)
            shapes[i].DiffFrom(shapes[i - 1]);
        return (new WeakReference<TemplateShape>(shapes[0]), shapes[^1]);
    }

    private static NodeIdAllocations Copy(NodeIdAllocations ids) => new()
    {
        RuleIds = new Dictionary<string, uint>(ids.RuleIds),
        NextRuleId = ids.NextRuleId,
        CidrIdentities = new Dictionary<string, uint>(ids.CidrIdentities),
        NextCidrIdentity = ids.NextCidrIdentity,
    };

    private static NodeSnapshot Snapshot(EntryTemplate template, long revision)
    {
        var policy = new StampedPolicyList([("web-1", template)]);
        return new NodeSnapshot(new NodeRules("n1", "e", revision, [], [], policy), policy.Slices);
    }

    private static PolicyEntry Entry(uint remote, ushort port, string source) =>
        new("", TrafficDirection.Ingress, remote, 6, port, PolicyAction.Allow, 0, source);
}
