using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Workloads;
using MicroSeg.Grains.Nodes;
using MicroSeg.Grains.Rules;
using static MicroSeg.Grains.Tests.Rules.AppSpecs;

namespace MicroSeg.Grains.Tests.Nodes;

/// <summary>
/// The per-template delta must equal what a full entry-by-entry diff gives: each case compiles a node
/// before and after a change and checks that the delta, applied to the old state, gives the new one.
/// </summary>
public sealed class NodeDeltaBuilderTests
{
    // Twelve workloads on n1 in three apps (so endpoints share templates), plus peers on n2.
    private static readonly WorkloadRecord[] Cluster =
    [
        .. Enumerable.Range(0, 12).Select(i => Workload($"w{i:D2}", "n1", $"app{i % 3}", $"198.18.0.{i + 1}", 256u + (uint)(i % 3))),
        Workload("p1", "n2", "peer", "198.18.1.1", 300),
        Workload("p2", "n2", "other", "198.18.1.2", 301),
    ];

    private static readonly PolicySpec[] Policies =
    [
        Allow("web-in", "app0", "peer", 80),
        Allow("api-in", "app1", "app0", 8080),
        new() { Id = "all-from-peer", Selector = new LabelSelector(), Ingress = [new PolicyRule { From = [Peer("peer")] }] },
    ];

    public static TheoryData<string> Changes => new() { "relabel-peer", "new-peer-identity", "add-policy", "remove-policy", "remove-endpoint", "add-endpoint", "add-endpoint-between", "relabel-endpoint", "replace-endpoint", "named-port", "nothing" };

    [Theory]
    [MemberData(nameof(Changes))]
    public void Delta_AppliedToTheOldState_GivesTheNewState(string change)
    {
        var ids = new NodeIdAllocations();
        var before = Snapshot(Cluster, Policies, ids, revision: 1);
        var (workloads, policies) = Apply(change);
        var after = Snapshot(workloads, policies, ids, revision: 2);

        var delta = NodeDeltaBuilder.Between(before, after);
        var full = NodeRulesDelta.Between(before.Rules, after.Rules);
        var rebuilt = delta.ApplyTo(before.Rules);

        Assert.Equal(after.Rules.Policy.OrderBy(e => e.ToString(), StringComparer.Ordinal), rebuilt.Policy.OrderBy(e => e.ToString(), StringComparer.Ordinal));
        Assert.Equal(after.Rules.IpCache.OrderBy(i => i.Cidr), rebuilt.IpCache.OrderBy(i => i.Cidr));
        Assert.Equal(after.Rules.Endpoints.Select(e => e.WorkloadId).Order(), rebuilt.Endpoints.Select(e => e.WorkloadId).Order());
        // Nothing sent that the full diff would not send.
        Assert.Equal(full.PolicySet.Count, delta.PolicySet.Count);
        Assert.Equal(full.PolicyRemoved.Count, delta.PolicyRemoved.Count);
    }

    [Fact]
    public void Delta_NewPeerIdentity_SendsOnlyTheEntriesThatNameIt()
    {
        var ids = new NodeIdAllocations();
        var before = Snapshot(Cluster, Policies, ids, revision: 1);
        var newcomer = Workload("p3", "n2", "peer", "198.18.1.3", 302) with { Spec = Cluster[^2].Spec with { Id = "p3", Addresses = ["198.18.1.3"], Labels = new Dictionary<string, string> { ["app"] = "peer", ["tier"] = "x" } } };
        var after = Snapshot([.. Cluster, newcomer], Policies, ids, revision: 2);

        var delta = NodeDeltaBuilder.Between(before, after);

        // Every endpoint admits the newcomer (all-from-peer); the four app0 endpoints on port 80 too (web-in).
        Assert.Equal(12 + 4, delta.PolicySet.Count);
        Assert.All(delta.PolicySet, e => Assert.Equal(302u, e.RemoteIdentity));
        Assert.Empty(delta.PolicyRemoved);
        Assert.Equal(["198.18.1.3/32"], delta.IpCacheSet.Select(i => i.Cidr));
    }

    private static (WorkloadRecord[], PolicySpec[]) Apply(string change) => change switch
    {
        "relabel-peer" => (Cluster.Select(w => w.Spec.Id == "p2" ? Relabel(w, "peer", 300) : w).ToArray(), Policies),
        "new-peer-identity" => (Cluster.Select(w => w.Spec.Id == "p1" ? Relabel(w, "nobody", 310) : w).ToArray(), Policies),
        "add-policy" => (Cluster, [.. Policies, Allow("extra", "app2", "other", 443)]),
        "remove-policy" => (Cluster, Policies[1..]),
        "remove-endpoint" => (Cluster.Where(w => w.Spec.Id != "w04").ToArray(), Policies),
        "add-endpoint" => ([.. Cluster, Workload("w99", "n1", "app1", "198.18.0.99", 257)], Policies),
        // The two computations are paired by one walk in id order: an endpoint that comes or goes between others, or
        // changes its template in place, must not shift the pairing of its neighbours.
        "add-endpoint-between" => ([.. Cluster.Take(5), Workload("w045", "n1", "app2", "198.18.0.45", 258), .. Cluster.Skip(5)], Policies),
        "relabel-endpoint" => (Cluster.Select(w => w.Spec.Id == "w05" ? Relabel(w, "app0", 256) : w).ToArray(), Policies),
        "replace-endpoint" => ([.. Cluster.Where(w => w.Spec.Id != "w07").Take(6), Workload("w065", "n1", "app0", "198.18.0.65", 256), .. Cluster.Where(w => w.Spec.Id != "w07").Skip(6)], Policies),
        "named-port" => (Cluster.Select(w => w.Spec.Id == "w03" ? w with { Spec = w.Spec with { Ports = new Dictionary<string, string> { ["http"] = "TCP/8081" } } } : w).ToArray(),
            [.. Policies, new PolicySpec { Id = "named", Selector = Sel("app0"), Ingress = [new PolicyRule { From = [Peer("peer")], Ports = [new PolicyPort { Port = "http" }] }] }]),
        _ => (Cluster, Policies),
    };

    private static NodeSnapshot Snapshot(IReadOnlyList<WorkloadRecord> workloads, IReadOnlyList<PolicySpec> policies, NodeIdAllocations ids, long revision)
    {
        var compiled = NodeRuleCompiler.Compile("n1", workloads, policies, ids);
        return new NodeSnapshot(new NodeRules("n1", "e", revision, compiled.Endpoints, compiled.IpCache, compiled.Policy), compiled.PolicySlices);
    }

    private static WorkloadRecord Relabel(WorkloadRecord w, string app, uint identity) =>
        new(w.Spec with { Labels = new Dictionary<string, string> { ["app"] = app } }, identity);
}
