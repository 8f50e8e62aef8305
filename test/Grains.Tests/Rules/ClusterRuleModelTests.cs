using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Interfaces.Namespaces;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Workloads;
using MicroSeg.Grains.Nodes;
using MicroSeg.Grains.Rules;

namespace MicroSeg.Grains.Tests.Rules;

public sealed class ClusterRuleModelTests
{
    private static readonly IReadOnlyList<WorkloadRecord> Workloads =
    [
        new(new WorkloadSpec { Id = "b", Node = "n1", Interface = "vb", Addresses = ["198.18.0.20"], Labels = new Dictionary<string, string> { ["app"] = "web" } }, 256),
        new(new WorkloadSpec { Id = "a", Node = "n1", Interface = "va", Addresses = ["198.18.0.3"], Labels = new Dictionary<string, string> { ["app"] = "db" } }, 257),
        new(new WorkloadSpec { Id = "c", Node = "n2", Addresses = ["198.18.0.100"], Labels = new Dictionary<string, string> { ["app"] = "web" } }, 256),
    ];

    private static readonly IReadOnlyList<PolicySpec> Policies =
    [
        new() { Id = "web", Selector = new LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } }, Ingress = [] },
        new() { Id = "draft", Selector = new LabelSelector(), Ingress = [], Draft = true },
    ];

    private static readonly IReadOnlyList<NamespaceSpec> Namespaces = [];

    [Fact]
    public void Next_SameSnapshots_SameModel_ChangedSnapshot_NewModel()
    {
        var ordered = Workloads.OrderBy(w => w.Spec.Id, StringComparer.Ordinal).ToList();
        var first = ClusterRuleModel.Next(null, ordered, Policies, Namespaces);
        Assert.Same(first, ClusterRuleModel.Next(first, ordered, Policies, Namespaces));
        Assert.NotSame(first, ClusterRuleModel.Next(first, [.. ordered], Policies, Namespaces));
    }

    [Fact]
    public void Model_HostsInIpcacheOrder_EndpointsByNodeInIdOrder_DraftsLeftOut()
    {
        var model = new ClusterRuleModel(Workloads, Policies, NamespaceLabels.Empty);

        Assert.Equal(["198.18.0.100/32", "198.18.0.20/32", "198.18.0.3/32"], model.Hosts.Select(h => h.Rule.Cidr));
        Assert.Equal(["a", "b"], model.LocalTo("n1").Select(w => w.Spec.Id));
        Assert.Empty(model.LocalTo("n2"));
        Assert.Equal(["web"], model.Policies.Select(p => p.Id));
        Assert.Equal(["web"], model.Selecting(Workloads[0]).Select(p => p.Id));
        Assert.Empty(model.Selecting(Workloads[1]));
    }

    /// <summary>
    /// A policy's node set is carried to the next model only while no changed identity could enter it: a workload
    /// relabelled into a new identity that the policy selects brings its node in, though none of the identities
    /// the set was built from changed.
    /// </summary>
    [Fact]
    public void NodesSelectedBy_GainsTheNodeOfAWorkloadRelabelledIntoANewSelectedIdentity()
    {
        var first = ClusterRuleModel.Next(null, Workloads.OrderBy(w => w.Spec.Id, StringComparer.Ordinal).ToList(), Policies, Namespaces);
        var web = first.Policies.Single(p => p.Id == "web");
        Assert.Equal(["n1", "n2"], first.NodesSelectedBy(web).Order());

        var moved = new WorkloadRecord(new WorkloadSpec
        {
            Id = "d", Node = "n3", Addresses = ["198.18.0.7"],
            Labels = new Dictionary<string, string> { ["app"] = "db" },
        }, 258);
        var withD = ClusterRuleModel.Next(first, [.. first.Workloads, moved], Policies, Namespaces);
        Assert.Equal(["n1", "n2"], withD.NodesSelectedBy(web).Order());

        var relabelled = moved with { Spec = moved.Spec with { Labels = new Dictionary<string, string> { ["app"] = "web", ["tier"] = "x" } }, Identity = 259 };
        var after = ClusterRuleModel.Next(withD, [.. first.Workloads, relabelled], Policies, Namespaces);
        Assert.Equal(["n1", "n2", "n3"], after.NodesSelectedBy(web).Order());
    }

    [Fact]
    public void AnAddressListedTwice_BelongsToTheGreaterWorkloadId_AndPassesBackWhenThatOneLetsGo()
    {
        WorkloadRecord W(string id, uint identity, string address) =>
            new(new WorkloadSpec { Id = id, Node = "n1", Addresses = [address], Labels = new Dictionary<string, string> { ["app"] = id } }, identity);
        var x = W("x", 300, "198.18.0.9");
        var y = W("y", 301, "198.18.0.9");
        var both = ClusterRuleModel.Next(null, [x, y], [], Namespaces);
        Assert.Equal([(string.Empty + "198.18.0.9/32", 301u)], both.Hosts.Select(h => (h.Rule.Cidr, h.Rule.Identity)));

        var yMoved = W("y", 301, "198.18.0.10");
        var after = ClusterRuleModel.Next(both, [x, yMoved], [], Namespaces);
        Assert.Equal([("198.18.0.10/32", 301u), ("198.18.0.9/32", 300u)], after.Hosts.Select(h => (h.Rule.Cidr, h.Rule.Identity)));
        Assert.Equal(["198.18.0.9/32"], after.IpCacheNaming([300]).Rules.Select(r => r.Cidr));
    }

    /// <summary>
    /// The derived model must be indistinguishable from one built from scratch: after every step of random
    /// changes (relabels that move workloads between identities, identity numbers reused for other labels, moves
    /// between nodes, address changes and shared addresses, deletions, creations, policy and namespace changes),
    /// every node compiles to exactly the same rules from both.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void DerivedModel_CompilesEveryNodeExactlyAsAFreshModel(int seed)
    {
        var random = new Random(seed);
        var cluster = new RandomCluster(random);
        var policies = cluster.Policies();
        IReadOnlyList<NamespaceSpec> namespaces = [new("shop", new Dictionary<string, string> { ["team"] = "a" })];
        var derived = ClusterRuleModel.Next(null, cluster.Snapshot(), policies, namespaces);
        var nodes = Enumerable.Range(0, RandomCluster.Nodes).Select(n => $"n{n}").ToArray();
        var derivedIds = nodes.ToDictionary(n => n, _ => new NodeIdAllocations());
        var freshIds = nodes.ToDictionary(n => n, _ => new NodeIdAllocations());

        for (var step = 0; step < 60; step++)
        {
            cluster.Change(changes: step % 10 == 9 ? 40 : random.Next(1, 4));
            if (step % 15 == 7)
                policies = cluster.Policies();
            if (step % 20 == 13)
                namespaces = [new("shop", new Dictionary<string, string> { ["team"] = step % 40 == 13 ? "b" : "a" })];
            var snapshot = cluster.Snapshot();
            derived = ClusterRuleModel.Next(derived, snapshot, policies, namespaces);
            var fresh = new ClusterRuleModel(snapshot, policies, new NamespaceLabels(namespaces.ToDictionary(n => n.Name, n => n.Labels)));

            // What a fan-out reads (kept from model to model while untouched) must match too, and the snapshot itself.
            foreach (var policy in policies)
            {
                var selected = snapshot.Where(w => fresh.Scope.Selects(policy, w)).Select(w => w.Spec.Node).Distinct().Order();
                Assert.Equal(selected, fresh.NodesSelectedBy(policy).Order());
                Assert.Equal(selected, derived.NodesSelectedBy(policy).Order());
            }
            foreach (var node in nodes)
            {
                var expected = NodeRuleCompiler.Compile(node, fresh, freshIds[node]);
                var actual = NodeRuleCompiler.Compile(node, derived, derivedIds[node]);
                Assert.Equal(RulesHash.Of(expected), RulesHash.Of(actual));
                Assert.Equal(expected.IpCache, actual.IpCache);
                Assert.Equal(expected.Policy, actual.Policy);
                Assert.Equal(expected.Endpoints.Select(e => (e.WorkloadId, e.Identity, e.IngressIsolated, e.EgressIsolated)),
                    actual.Endpoints.Select(e => (e.WorkloadId, e.Identity, e.IngressIsolated, e.EgressIsolated)));
            }
        }
    }

    /// <summary>
    /// A node that keeps its endpoints' entries from its last computation (only the ipcache read anew), or reuses what it
    /// made for its unchanged workloads when others changed, must end up
    /// exactly where a full computation from a fresh model does, through the same random changes; with policies that
    /// name no ports by name and no address blocks, most computations of nodes whose own workloads did not change
    /// must take that path (else the test proves nothing about it).
    /// </summary>
    [Theory]
    [InlineData(4, false, false)]
    [InlineData(5, false, false)]
    [InlineData(6, true, false)]
    [InlineData(7, true, true)]
    public void NodeKeepingItsEndpointRules_CompilesExactlyAsAFreshComputation(int seed, bool namedPorts, bool blocks)
    {
        var plain = !namedPorts && !blocks;
        var random = new Random(seed);
        var cluster = new RandomCluster(random);
        var policies = cluster.Policies(namedPorts, blocks);
        IReadOnlyList<NamespaceSpec> namespaces = [new("shop", new Dictionary<string, string> { ["team"] = "a" })];
        var derived = ClusterRuleModel.Next(null, cluster.Snapshot(), policies, namespaces);
        var nodes = Enumerable.Range(0, RandomCluster.Nodes).Select(n => $"n{n}").ToArray();
        var previous = nodes.ToDictionary(n => n, _ => (CompiledRules?)null);
        var incrementalIds = nodes.ToDictionary(n => n, _ => new NodeIdAllocations());
        var freshIds = nodes.ToDictionary(n => n, _ => new NodeIdAllocations());
        var kept = 0;
        var reused = 0;
        var patchedDeltas = 0;

        for (var step = 0; step < 60; step++)
        {
            cluster.Change(changes: step % 10 == 9 ? 40 : random.Next(1, 4));
            if (step % 15 == 7)
                policies = cluster.Policies(namedPorts, blocks);
            if (step % 20 == 13)
                namespaces = [new("shop", new Dictionary<string, string> { ["team"] = step % 40 == 13 ? "b" : "a" })];
            var snapshot = cluster.Snapshot();
            derived = ClusterRuleModel.Next(derived, snapshot, policies, namespaces);
            var fresh = new ClusterRuleModel(snapshot, policies, new NamespaceLabels(namespaces.ToDictionary(n => n.Name, n => n.Labels)));

            // Some nodes sit out a step, as a debounced node grain does: they compare with an older model.
            foreach (var node in nodes.Where((_, i) => (i + step) % 3 != 0))
            {
                var expected = NodeRuleCompiler.Compile(node, fresh, freshIds[node]);
                var actual = NodeRuleCompiler.Compile(node, derived, incrementalIds[node], previous: previous[node]);
                if (previous[node] is { } before && ReferenceEquals(before.Policy, actual.Policy))
                    kept++;
                else if (previous[node] is { } earlier && actual.PolicySlices.All.Any(now =>
                    earlier.PolicySlices.IndexOf(now.Id) is >= 0 and var was && ReferenceEquals(earlier.PolicySlices.TemplateAt(was), now.Slice.Template)))
                    reused++;
                // The agent's view: the delta from the previous computation, applied to what it gave, is this one.
                if (previous[node] is { } last)
                {
                    if (!ReferenceEquals(last.IpCache, actual.IpCache) && actual.IpCacheTable.ChangesSince(last.IpCacheTable) is not null)
                        patchedDeltas++;
                    var from = new NodeSnapshot(new NodeRules(node, "e", 1, last.Endpoints, last.IpCache, last.Policy), last.PolicySlices, last.IpCacheTable);
                    var to = new NodeSnapshot(new NodeRules(node, "e", 2, actual.Endpoints, actual.IpCache, actual.Policy), actual.PolicySlices, actual.IpCacheTable);
                    var delta = NodeDeltaBuilder.Between(from, to);
                    var full = NodeRulesDelta.Between(from.Rules, to.Rules);
                    Assert.Equal(full.IpCacheSet, delta.IpCacheSet);
                    Assert.Equal(full.IpCacheRemoved, delta.IpCacheRemoved);
                    Assert.Equal(actual.IpCache, delta.ApplyTo(from.Rules).IpCache.OrderBy(r => r.Cidr, StringComparer.Ordinal));
                    // The policy part too: shape diffs shared by the nodes and kept templates included.
                    Assert.Equal(actual.Policy, delta.ApplyTo(from.Rules).Policy.OrderBy(PolicyEntryKey.Of));
                }
                previous[node] = actual;
                Assert.Equal(RulesHash.Of(expected), RulesHash.Of(actual));
                Assert.Equal(expected.IpCache, actual.IpCache);
                Assert.Equal(expected.Policy, actual.Policy);
                Assert.Equal(expected.Endpoints.Select(e => (e.WorkloadId, e.Identity, e.Mode, e.IngressIsolated, e.EgressIsolated)),
                    actual.Endpoints.Select(e => (e.WorkloadId, e.Identity, e.Mode, e.IngressIsolated, e.EgressIsolated)));
            }
        }
        if (plain)
        {
            // Shared ipcache tables patched by the addresses that moved give deltas of those addresses (IpCacheTable.ChangesSince).
            Assert.True(patchedDeltas > 20, $"only {patchedDeltas} deltas came from an ipcache table's patches");
            Assert.True(kept > 20, $"only {kept} computations kept their endpoints' entries");
            // Nodes whose own workloads changed under unchanged templates recompute only those workloads (EndpointReuse).
            Assert.True(reused > 5, $"only {reused} computations reused their unchanged workloads' templates");
        }
    }

    [Fact]
    public void Diff_FindsRemovedAndAdded_AndRefusesAnUnorderedSnapshot()
    {
        var ordered = Workloads.OrderBy(w => w.Spec.Id, StringComparer.Ordinal).ToList(); // a, b, c
        var changedB = new WorkloadRecord(ordered[1].Spec with { Node = "n9" }, 256);
        var d = new WorkloadRecord(ordered[0].Spec with { Id = "d" }, 257);

        var diff = WorkloadDiff.Between(ordered, [ordered[0], changedB, d], limit: 10)!;
        Assert.Equal(["b", "c"], diff.Removed.Select(w => w.Spec.Id));
        Assert.Equal([changedB, d], diff.Added);
        Assert.Null(WorkloadDiff.Between(ordered, [ordered[0], d, changedB], limit: 10));
        Assert.Null(WorkloadDiff.Between(ordered, [changedB, ordered[0]], limit: 10));
        Assert.Null(WorkloadDiff.Between(ordered, [], limit: 2));
    }
}
