using MicroSeg.Grains.Interfaces.Identity;
using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Settings;
using MicroSeg.Grains.Interfaces.Workloads;
using MicroSeg.Grains.Rules;

namespace MicroSeg.Grains.Tests.Rules;

public sealed class NodeRuleCompilerTests
{
    private const byte Tcp = 6;
    private const byte Udp = 17;

    private static readonly WorkloadRecord A = Workload("a", "n1", "va", "198.18.0.1", 256);
    private static readonly WorkloadRecord B = Workload("b", "n1", "vb", "198.18.0.2", 257);
    private static readonly WorkloadRecord C = Workload("c", "n2", "vc", "198.18.0.3", 258);
    private static readonly WorkloadRecord[] All = [A, B, C];

    [Fact]
    public void Compile_NoPolicies_EndpointsOpenAndNoIpcache()
    {
        var rules = Compile([]);
        Assert.Equal(["a", "b"], rules.Endpoints.Select(e => e.WorkloadId));
        Assert.All(rules.Endpoints, e => Assert.False(e.IngressIsolated || e.EgressIsolated));
        Assert.Empty(rules.Policy);
        Assert.Empty(rules.IpCache);
    }

    [Fact]
    public void Compile_Ipcache_HoldsNamedIdentitiesAndAddressesInsideBlocks()
    {
        var rules = Compile([
            Allow("p", "b", ingress: [Rule(From(Sel("c")), null)]),
            Allow("q", "a", ingress: [Rule([new PolicyPeer { Cidr = "198.18.0.0/31" }], null)]),
        ]);
        // c is named by p; a (198.18.0.1) sits inside q's block; b is neither.
        Assert.Equal(
            [("198.18.0.0/31", rules.IpCache[0].Identity), ("198.18.0.1/32", 256u), ("198.18.0.3/32", 258u)],
            rules.IpCache.Select(i => (i.Cidr, i.Identity)));
    }

    [Fact]
    public void Compile_IngressAllowFromSelector_IsolatesTargetAndAllowsPeerOnPort()
    {
        var rules = Compile([Allow("p", "b", ingress: [Rule(From(Sel("a")), Port("TCP", 80))])]);
        Assert.True(Endpoint(rules, "b").IngressIsolated);
        Assert.False(Endpoint(rules, "b").EgressIsolated);
        Assert.False(Endpoint(rules, "a").IngressIsolated);
        var entry = Assert.Single(rules.Policy);
        Assert.Equal(("b", TrafficDirection.Ingress, 256u, Tcp, (ushort)80, PolicyAction.Allow, "p/ingress/0"),
            (entry.WorkloadId, entry.Direction, entry.RemoteIdentity, entry.Protocol, entry.Port, entry.Action, entry.Source));
    }

    [Fact]
    public void Compile_EmptyIngressList_IsolatesWithNoEntries()
    {
        var rules = Compile([Allow("p", "b", ingress: [])]);
        Assert.True(Endpoint(rules, "b").IngressIsolated);
        Assert.Empty(rules.Policy);
    }

    [Fact]
    public void Compile_NoPeersAndNoPorts_AllowsAnyIdentityAnyProtocol()
    {
        var rules = Compile([Allow("p", "b", ingress: [new PolicyRule()])]);
        var entry = Assert.Single(rules.Policy);
        Assert.Equal((ReservedIdentities.Any, (byte)0, (ushort)0), (entry.RemoteIdentity, entry.Protocol, entry.Port));
    }

    [Fact]
    public void Compile_PortWithoutNumber_AllowsEveryPortOfProtocol()
    {
        var rules = Compile([Allow("p", "b", ingress: [Rule(null, [new PolicyPort { Protocol = "UDP" }])])]);
        var entry = Assert.Single(rules.Policy);
        Assert.Equal((Udp, (ushort)0), (entry.Protocol, entry.Port));
    }

    [Fact]
    public void Compile_PortRange_IsOneEntryPerPeer()
    {
        var rules = Compile([Allow("p", "b", ingress: [Rule(From(Sel("a")), [new PolicyPort { Port = 1, EndPort = 65535 }])])]);
        var entry = Assert.Single(rules.Policy);
        Assert.Equal((256u, Tcp, (ushort)1, (ushort)65535), (entry.RemoteIdentity, entry.Protocol, entry.Port, entry.EndPort));
    }

    [Fact]
    public void Compile_RangeOfOnePortAndSinglePort_AreTheSameExactEntry()
    {
        var rules = Compile([Allow("p", "b", ingress: [Rule(From(Sel("a")), [new PolicyPort { Port = 80, EndPort = 80 }, new PolicyPort { Port = 80 }])])]);
        var entry = Assert.Single(rules.Policy);
        Assert.Equal(((ushort)80, (ushort)0), (entry.Port, entry.EndPort));
    }

    [Fact]
    public void Compile_RangeAndSinglePortOfSamePeer_StayApart()
    {
        var allow = Allow("allow", "b", ingress: [Rule(From(Sel("a")), [new PolicyPort { Port = 8000, EndPort = 8999 }])]);
        var deny = Allow("deny", "b", ingress: [Rule(From(Sel("a")), Port("TCP", 8080))]) with { Action = PolicyAction.Deny };
        var rules = Compile([allow, deny]);
        Assert.Equal([("allow/ingress/0", (ushort)8000, (ushort)8999), ("deny/ingress/0", (ushort)8080, (ushort)0)],
            rules.Policy.Select(e => (e.Source, e.Port, e.EndPort)).OrderBy(e => e.Source));
    }

    [Fact]
    public void Compile_CidrWithExcept_GivesBlocksIdentitiesAndAllowsOnlyTheOuterBlock()
    {
        var peer = new PolicyPeer { Cidr = "198.18.9.0/24", Except = ["198.18.9.128/25"] };
        var rules = Compile([Allow("p", "b", ingress: [Rule([peer], null)])]);
        var outer = rules.IpCache.Single(i => i.Cidr == "198.18.9.0/24").Identity;
        var inner = rules.IpCache.Single(i => i.Cidr == "198.18.9.128/25").Identity;
        Assert.True(outer >= ReservedIdentities.FirstCidrIdentity && inner >= ReservedIdentities.FirstCidrIdentity && outer != inner);
        Assert.Equal([outer], rules.Policy.Select(e => e.RemoteIdentity));
    }

    [Fact]
    public void Compile_NestedCidrsOfTwoPolicies_WideRuleCoversNarrowBlock()
    {
        var wide = Allow("wide", "b", ingress: [Rule([new PolicyPeer { Cidr = "198.18.0.0/15" }], Port("TCP", 443))]);
        var narrow = Allow("narrow", "b", ingress: [Rule([new PolicyPeer { Cidr = "198.18.9.0/24" }], Port("TCP", 22))]);
        var rules = Compile([wide, narrow]);
        var narrowId = rules.IpCache.Single(i => i.Cidr == "198.18.9.0/24").Identity;
        // An address in 198.18.9.0/24 resolves to the /24's identity; the /15 rule must still apply to it.
        Assert.Contains(rules.Policy, e => e.Source == "wide/ingress/0" && e.RemoteIdentity == narrowId && e.Port == 443);
        Assert.DoesNotContain(rules.Policy, e => e.Source == "narrow/ingress/0" && e.RemoteIdentity != narrowId);
    }

    [Fact]
    public void Compile_CidrEqualToWorkloadAddress_LeavesTheWorkloadIdentity()
    {
        var rules = Compile([Allow("p", "b", ingress: [Rule([new PolicyPeer { Cidr = "198.18.0.1/32" }], null)])]);
        Assert.Equal(256u, rules.IpCache.Single(i => i.Cidr == "198.18.0.1/32").Identity);
    }

    [Fact]
    public void Compile_DenyAndAllowSameTraffic_DenyWinsAndDenyDoesNotIsolate()
    {
        var allow = Allow("allow", "b", ingress: [Rule(From(Sel("a")), Port("TCP", 80))]);
        var deny = Allow("deny", "b", ingress: [Rule(From(Sel("a")), Port("TCP", 80))]) with { Action = PolicyAction.Deny };
        var rules = Compile([allow, deny]);
        Assert.Equal(PolicyAction.Deny, Assert.Single(rules.Policy).Action);

        var denyOnly = Compile([deny]);
        Assert.False(Endpoint(denyOnly, "b").IngressIsolated);
    }

    [Fact]
    public void Compile_EgressRule_IsolatesEgressWithEntriesToPeers()
    {
        var rules = Compile([Allow("p", "a", egress: [new PolicyRule { To = From(Sel("c")), Ports = Port("TCP", 5432) }])]);
        Assert.True(Endpoint(rules, "a").EgressIsolated);
        Assert.False(Endpoint(rules, "a").IngressIsolated);
        var entry = Assert.Single(rules.Policy);
        Assert.Equal((TrafficDirection.Egress, 258u), (entry.Direction, entry.RemoteIdentity));
    }

    [Fact]
    public void Compile_SelectorMatchingNobody_IsolatesWithoutEntries()
    {
        var rules = Compile([Allow("p", "b", ingress: [Rule(From(Sel("nobody")), null)])]);
        Assert.True(Endpoint(rules, "b").IngressIsolated);
        Assert.Empty(rules.Policy);
    }

    [Fact]
    public void Compile_WorkloadWithoutInterface_IsPeerButNotEndpoint()
    {
        var peerOnly = Workload("d", "n1", null, "198.18.0.4", 259);
        var rules = NodeRuleCompiler.Compile("n1", [.. All, peerOnly], [Allow("p", "a", ingress: [Rule(From(Sel("d")), null)])], new NodeIdAllocations());
        Assert.DoesNotContain(rules.Endpoints, e => e.WorkloadId == "d");
        Assert.Contains(rules.IpCache, i => i.Cidr == "198.18.0.4/32" && i.Identity == 259);
    }

    [Fact]
    public void Compile_TwoAllowRulesSameKey_FirstRuleByNameWins()
    {
        var rules = Compile([Allow("p", "b", ingress: [Rule(From(Sel("a")), null), Rule(From(Sel("a")), null)])]);
        Assert.Equal("p/ingress/0", Assert.Single(rules.Policy).Source);
    }

    [Fact]
    public void Compile_TwoAllowRulesSameKey_WinnerDoesNotDependOnRuleIdHistory()
    {
        // "q" got its rule id first, so it has the lower number; a node compiling from scratch numbers "p" first.
        var ids = new NodeIdAllocations();
        var p = Allow("p", "b", ingress: [Rule(From(Sel("a")), null)]);
        var q = Allow("q", "b", ingress: [Rule(From(Sel("a")), null)]);
        NodeRuleCompiler.Compile("n1", All, [q], ids);
        var later = NodeRuleCompiler.Compile("n1", All, [p, q], ids);
        Assert.Equal("p/ingress/0", Assert.Single(later.Policy).Source);
        Assert.Equal("p/ingress/0", Assert.Single(Compile([p, q]).Policy).Source);
    }

    [Fact]
    public void Compile_Recomputed_KeepsRuleIdsAndNeverReusesRetiredOnes()
    {
        var ids = new NodeIdAllocations();
        var p1 = Allow("p1", "b", ingress: [Rule(From(Sel("a")), null)]);
        var p2 = Allow("p2", "a", ingress: [Rule(From(Sel("b")), null)]);
        var first = NodeRuleCompiler.Compile("n1", All, [p1, p2], ids);
        var again = NodeRuleCompiler.Compile("n1", All, [p1, p2], ids);
        Assert.Equal(first.Policy, again.Policy);

        var p2Id = first.Policy.Single(e => e.Source == "p2/ingress/0").RuleId;
        NodeRuleCompiler.Compile("n1", All, [p1], ids);
        var p3 = Allow("p3", "a", ingress: [Rule(From(Sel("c")), null)]);
        var later = NodeRuleCompiler.Compile("n1", All, [p1, p3], ids);
        Assert.NotEqual(p2Id, later.Policy.Single(e => e.Source == "p3/ingress/0").RuleId);
        Assert.DoesNotContain("p2/ingress/0", ids.RuleIds.Keys);
    }

    [Fact]
    public void Compile_DraftPolicy_IsNotEnforced()
    {
        var rules = Compile([Allow("p", "b", ingress: [Rule(From(Sel("a")), null)]) with { Draft = true }]);
        Assert.False(Endpoint(rules, "b").IngressIsolated);
        Assert.Empty(rules.Policy);
    }

    [Fact]
    public void EffectiveMode_OwnModeThenFirstLabelGroupThenDefault()
    {
        var settings = new EnforcementSettings
        {
            DefaultMode = EnforcementMode.Monitor,
            LabelGroups =
            [
                new LabelGroupMode { Selector = Sel("a"), Mode = EnforcementMode.Protect },
                new LabelGroupMode { Selector = new LabelSelector(), Namespace = "other", Mode = EnforcementMode.Protect },
            ],
        };
        var own = A with { Spec = A.Spec with { Mode = EnforcementMode.Monitor } };
        Assert.Equal(EnforcementMode.Monitor, NodeRuleCompiler.EffectiveMode(own, settings));
        Assert.Equal(EnforcementMode.Protect, NodeRuleCompiler.EffectiveMode(A, settings));
        Assert.Equal(EnforcementMode.Monitor, NodeRuleCompiler.EffectiveMode(B, settings));
        Assert.Equal(EnforcementMode.Protect, NodeRuleCompiler.EffectiveMode(B with { Spec = B.Spec with { Namespace = "other" } }, settings));
        Assert.Equal(EnforcementMode.Protect, NodeRuleCompiler.EffectiveMode(B, new EnforcementSettings()));
    }

    /// <summary>
    /// A full computation (a new policy: no template can be kept) keeps the endpoint rule instance of every workload
    /// whose record and rule are unchanged, so that the node's delta passes it by reference; a changed record, isolation
    /// or mode gets a new one, and the result is what a computation without a previous one gives.
    /// </summary>
    [Fact]
    public void FullComputation_KeepsUnchangedEndpointsByInstance_AndEqualsAFreshOne()
    {
        var d = Workload("d", "n1", "vd", "198.18.0.4", 259);
        var first = NodeRuleCompiler.Compile("n1", new ClusterRuleModel([A, B, d], [], NamespaceLabels.Empty), new NodeIdAllocations());
        var model = new ClusterRuleModel([A, B with { Identity = 260 }, d], [Allow("p", "d", ingress: [Rule(From(Sel("a")), Port("TCP", 80))])], NamespaceLabels.Empty);
        var ids = new NodeIdAllocations();

        var second = NodeRuleCompiler.Compile("n1", model, ids, previous: first);
        var fresh = NodeRuleCompiler.Compile("n1", model, new NodeIdAllocations());

        Assert.Same(Endpoint(first, "a"), Endpoint(second, "a"));
        Assert.NotSame(Endpoint(first, "b"), Endpoint(second, "b"));
        Assert.Equal(260u, Endpoint(second, "b").Identity);
        Assert.True(Endpoint(second, "d").IngressIsolated);
        Assert.Equal(fresh.Endpoints, second.Endpoints);
        Assert.Equal(fresh.Facts, second.Facts);
        Assert.Equal((fresh.EndpointsDigest, fresh.PolicyDigest), (second.EndpointsDigest, second.PolicyDigest));

        var monitored = NodeRuleCompiler.Compile("n1", model, ids, new EnforcementSettings { DefaultMode = EnforcementMode.Monitor }, previous: second);
        Assert.All(monitored.Endpoints, e => Assert.Equal(EnforcementMode.Monitor, e.Mode));
        Assert.NotEqual(second.EndpointsDigest, monitored.EndpointsDigest);
    }

    private static CompiledRules Compile(PolicySpec[] policies) =>
        NodeRuleCompiler.Compile("n1", All, policies, new NodeIdAllocations());

    private static EndpointRule Endpoint(CompiledRules rules, string id) => rules.Endpoints.Single(e => e.WorkloadId == id);

    private static WorkloadRecord Workload(string id, string node, string? iface, string address, uint identity) =>
        new(new WorkloadSpec { Id = id, Node = node, Interface = iface, Addresses = [address], Labels = new Dictionary<string, string> { ["app"] = id } }, identity);

    private static PolicySpec Allow(string id, string app, IReadOnlyList<PolicyRule>? ingress = null, IReadOnlyList<PolicyRule>? egress = null) =>
        new() { Id = id, Selector = Sel(app), Ingress = ingress, Egress = egress };

    private static LabelSelector Sel(string app) => new() { MatchLabels = new Dictionary<string, string> { ["app"] = app } };

    private static PolicyPeer[] From(LabelSelector selector) => [new PolicyPeer { Selector = selector }];

    private static PolicyRule Rule(IReadOnlyList<PolicyPeer>? from, IReadOnlyList<PolicyPort>? ports) => new() { From = from, Ports = ports };

    private static PolicyPort[] Port(string protocol, int port) => [new PolicyPort { Protocol = protocol, Port = port }];
}
