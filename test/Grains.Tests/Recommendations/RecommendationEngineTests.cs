using MicroSeg.Grains.Interfaces.Flows;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Recommendations;
using MicroSeg.Grains.Interfaces.Validation;
using MicroSeg.Grains.Interfaces.Workloads;
using MicroSeg.Grains.Recommendations;
using MicroSeg.Grains.Rules;
using static MicroSeg.Grains.Tests.Recommendations.FlowSamples;

namespace MicroSeg.Grains.Tests.Recommendations;

public sealed class RecommendationEngineTests
{
    private static readonly WorkloadSpec Web1 = Workload("web-1", "198.18.30.1", "web");
    private static readonly WorkloadSpec Web2 = Workload("web-2", "198.18.30.2", "web");
    private static readonly WorkloadSpec Api = Workload("api", "198.18.30.3", "api");
    private static readonly WorkloadSpec Db = Workload("db", "198.18.30.4", "db");
    private static readonly WorkloadSpec Batch = Workload("batch", "198.18.30.5", "batch");
    private static readonly WorkloadSpec[] Shop = [Web1, Web2, Api, Db, Batch];

    [Fact]
    public void Propose_GroupsByApp_AdmitsExactlyObservedSourcesAndPorts_BothDirections_AsDrafts()
    {
        var flows = new[]
        {
            Flow(Web1, Api, 8080, minute: 1, connections: 3),
            Flow(Web2, Api, 8080, minute: 5, connections: 2),
            Flow(Web2, Api, 9090, minute: 2),
            Flow(Api, Db, 5432, minute: 3),
        };

        var proposed = RecommendationEngine.Propose(flows, Shop, new RecommendationRequest());

        Assert.Equal(["rec.default.api", "rec.default.batch", "rec.default.db", "rec.default.web"], proposed.Policies.Select(p => p.Id));
        Assert.All(proposed.Policies, p => Assert.True(p.Draft));
        Assert.All(proposed.Policies, p => Assert.Equal("default", p.Namespace));
        Assert.All(proposed.Policies, p => Assert.Empty(PolicyValidator.Validate(p)));
        var api = proposed.Policies[0];
        Assert.Equal(new Dictionary<string, string> { ["app"] = "api" }, api.Selector.MatchLabels);
        var from = Assert.Single(api.Ingress!);
        Assert.Equal(new Dictionary<string, string> { ["app"] = "web" }, Assert.Single(from.From!).Selector!.MatchLabels);
        Assert.Null(from.From![0].NamespaceSelector);
        Assert.Equal(["TCP/8080", "TCP/9090"], from.Ports!.Select(p => $"{p.Protocol}/{p.Port}"));
        var to = Assert.Single(api.Egress!);
        Assert.Equal(new Dictionary<string, string> { ["app"] = "db" }, to.To![0].Selector!.MatchLabels);
        Assert.Equal(["TCP/5432"], to.Ports!.Select(p => $"{p.Protocol}/{p.Port}"));
        // web only initiates, batch did nothing: both directions are lists (isolated), empty where nothing was seen.
        var web = proposed.Policies[3];
        Assert.Empty(web.Ingress!);
        Assert.Single(web.Egress!);
        var batch = proposed.Policies[1];
        Assert.Empty(batch.Ingress!);
        Assert.Empty(batch.Egress!);

        var why = proposed.Explanations.Single(e => e.Policy == "rec.default.api" && e.Direction == "ingress");
        Assert.Equal(0, why.Rule);
        Assert.Equal("default/app=web", why.Peer);
        Assert.Equal(["web-1", "web-2"], why.Workloads);
        Assert.Equal(3, why.Flows);
        Assert.Equal(6, why.Connections);
        Assert.Equal(T.AddMinutes(1), why.FirstSeen);
        Assert.Equal(T.AddMinutes(5).AddSeconds(5), why.LastSeen);
        Assert.Equal(new RecommendationCoverage(4, 4, 0, 0, 0, 0, false, 4, 1, 2, RecommendationEngine.MaxFlows), proposed.Coverage);
    }

    [Fact]
    public void Propose_OutsideAddresses_HostBlocks_IngressAndEgress()
    {
        var flows = new[]
        {
            Flow(null, "203.0.113.7", Web1, Web1.Addresses[0], 443),
            Flow(null, "2001:db8::7", Web1, Web1.Addresses[0], 443),
            Flow(Api, Api.Addresses[0], null, "198.51.100.9", 53, protocol: "UDP"),
            Flow(Api, Api.Addresses[0], null, "198.51.100.9", null, protocol: "ICMP"),
        };

        var proposed = RecommendationEngine.Propose(flows, Shop, new RecommendationRequest());

        var web = proposed.Policies.Single(p => p.Id == "rec.default.web");
        // Both outside clients were seen on the same port: one rule names both, each explained on its own.
        Assert.Equal(["2001:db8::7/128", "203.0.113.7/32"], Assert.Single(web.Ingress!).From!.Select(p => p.Cidr));
        Assert.Equal(2, proposed.Explanations.Count(e => e.Policy == web.Id && e.Rule == 0));
        var api = proposed.Policies.Single(p => p.Id == "rec.default.api");
        var egress = Assert.Single(api.Egress!);
        Assert.Equal("198.51.100.9/32", egress.To![0].Cidr);
        Assert.Equal(["ICMP/", "UDP/53"], egress.Ports!.Select(p => $"{p.Protocol}/{p.Port}"));
        Assert.Null(egress.Ports![0].Port);
    }

    [Fact]
    public void Propose_OtherNamespacePeer_NamedWithNamespaceSelector_AndOnlyScopedNamespaceGetsPolicies()
    {
        var probe = Workload("probe", "198.18.31.1", "probe", ns: "ops");
        var flows = new[] { Flow(probe, Api, 8080), Flow(probe, probe, 1) };

        var proposed = RecommendationEngine.Propose(flows, [.. Shop, probe], new RecommendationRequest(Namespace: "default"));

        Assert.DoesNotContain(proposed.Policies, p => p.Namespace != "default");
        var peer = Assert.Single(proposed.Policies.Single(p => p.Id == "rec.default.api").Ingress!).From![0];
        Assert.Equal(new Dictionary<string, string> { ["app"] = "probe" }, peer.Selector!.MatchLabels);
        Assert.Equal(new Dictionary<string, string> { [PolicyProtocols.NamespaceNameLabel] = "ops" }, peer.NamespaceSelector!.MatchLabels);
        Assert.Equal(1, proposed.Coverage.OutOfScope);
    }

    [Fact]
    public void Propose_DeniedNonPolicyAndUnknownFlows_LeftOutAndCounted()
    {
        var gone = Workload("gone", "198.18.30.99", "gone");
        var flows = new[]
        {
            Flow(Web1, Web1.Addresses[0], Db, Db.Addresses[0], 5432, verdict: "deny", reason: "default-deny"),
            Flow(Web1, Web1.Addresses[0], Db, Db.Addresses[0], null, protocol: "ICMPv6", reason: "nd"),
            Flow(Web1, Web1.Addresses[0], Db, Db.Addresses[0], null, protocol: "47"),
            Flow(gone, Db, 5432),
            Flow(Web1, Web1.Addresses[0], Db, Db.Addresses[0], 5432, verdict: "would-deny", reason: "default-deny"),
        };

        var proposed = RecommendationEngine.Propose(flows, Shop, new RecommendationRequest());

        // The would-deny flow of monitor mode is evidence; the denied attempt is not.
        Assert.Equal(["TCP/5432"], proposed.Policies.Single(p => p.Id == "rec.default.db").Ingress!.SelectMany(r => r.Ports!).Select(p => $"{p.Protocol}/{p.Port}"));
        Assert.Equal((5, 1, 1, 1, 2), (proposed.Coverage.Flows, proposed.Coverage.Used, proposed.Coverage.Denied, proposed.Coverage.UnknownWorkload, proposed.Coverage.Unsupported));
    }

    [Fact]
    public void Propose_WithoutLabelKeys_FallsBackPerWorkload_ToDisjointGroups()
    {
        var named = Workload("named", "198.18.32.1", null, labels: new() { ["name"] = "cache" });
        var both = Workload("both", "198.18.32.2", null, labels: new() { ["app"] = "web", ["name"] = "cache" });
        var bare = Workload("bare", "198.18.32.3", null, labels: new() { ["tier"] = "x" });

        var proposed = RecommendationEngine.Propose([], [named, both, bare], new RecommendationRequest());

        var cache = proposed.Policies.Single(p => p.Selector.MatchLabels!.GetValueOrDefault("name") == "cache");
        // Disjoint: the name=cache group says it has no app label, so it does not select "both" (app=web).
        Assert.Contains(cache.Selector.MatchExpressions!, e => e.Key == "app" && e.Operator == SelectorOperators.DoesNotExist);
        Assert.False(LabelSelectorMatcher.Matches(cache.Selector, both.Labels));
        Assert.True(LabelSelectorMatcher.Matches(cache.Selector, named.Labels));
        Assert.Contains(proposed.Policies, p => p.Selector.MatchLabels!.GetValueOrDefault("tier") == "x");
        Assert.Equal(3, proposed.Policies.Select(p => p.Id).Distinct().Count());
    }

    [Fact]
    public void Propose_ExplicitLabelKeys_MissingKeyIsDoesNotExist()
    {
        var proposed = RecommendationEngine.Propose([], [Workload("lone", "198.18.33.1", null, labels: new() { ["role"] = "db" })],
            new RecommendationRequest(LabelKeys: ["app", "role"]));

        var policy = Assert.Single(proposed.Policies);
        Assert.Equal("rec.default.db", policy.Id);
        Assert.Equal(new Dictionary<string, string> { ["role"] = "db" }, policy.Selector.MatchLabels);
        Assert.Equal("app", Assert.Single(policy.Selector.MatchExpressions!).Key);
    }

    [Fact]
    public void Propose_ManyOutsideClients_ChunkedWithinPolicyLimits()
    {
        var flows = Enumerable.Range(0, 600).Select(i => Flow(null, $"203.0.{i / 250}.{i % 250 + 1}", Web1, Web1.Addresses[0], 443)).ToList();

        var proposed = RecommendationEngine.Propose(flows, Shop, new RecommendationRequest());

        var web = proposed.Policies.Single(p => p.Id == "rec.default.web");
        Assert.Equal([256, 256, 88], web.Ingress!.Select(r => r.From!.Count));
        Assert.Empty(PolicyValidator.Validate(web));
        Assert.Equal(600, proposed.Explanations.Count(e => e.Policy == web.Id));
        Assert.Equal(600, proposed.Coverage.Edges);
    }

    /// <summary>
    /// The scoring property, on random service graphs: with the recommendation in force (protect mode), every
    /// observed edge is allowed and every other pair of workloads on every service port is refused, evaluated with
    /// the data plane's semantics over the compiled node rules.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Propose_Enforced_AllowsEveryObservedEdge_AndNoOther(int seed)
    {
        var random = new Random(seed);
        var services = Enumerable.Range(0, 9).Select(i => (Name: $"s{i}", Ports: i % 3 == 0 ? new[] { 8080, 9090 } : [8000 + i % 4])).ToList();
        var namespaces = new[] { "default", "shop" };
        var specs = new List<WorkloadSpec>();
        var serviceOf = new Dictionary<string, int>();
        for (var s = 0; s < services.Count; s++)
        {
            for (var replica = 0; replica < 1 + random.Next(2); replica++)
            {
                var id = $"{services[s].Name}-{replica}";
                specs.Add(Workload(id, $"198.18.{40 + s}.{replica + 1}", services[s].Name, ns: namespaces[s % 2], node: $"n{random.Next(3)}"));
                serviceOf[id] = s;
            }
        }
        const string Outside = "203.0.113.50";
        // True edges: service -> service on one of its ports (-1: the outside client).
        var edges = new HashSet<(int From, int To, int Port)>();
        while (edges.Count < 14)
        {
            var to = random.Next(services.Count);
            var from = random.Next(-1, services.Count);
            if (from != to)
                edges.Add((from, to, services[to].Ports[random.Next(services[to].Ports.Length)]));
        }
        var flows = new List<FlowRecord>();
        foreach (var (from, to, port) in edges)
        {
            foreach (var dst in specs.Where(w => serviceOf[w.Id] == to))
            {
                if (from < 0)
                    flows.Add(Flow(null, Outside, dst, dst.Addresses[0], port));
                else
                    flows.AddRange(specs.Where(w => serviceOf[w.Id] == from).Select(src => Flow(src, dst, port)));
            }
        }

        var proposed = RecommendationEngine.Propose(flows, specs, new RecommendationRequest());
        var model = new ClusterRuleModel(Records(specs), proposed.Policies.Select(p => p with { Draft = false }).ToList(), NamespaceLabels.Empty);
        var evaluator = new RuleEvaluator(model);

        var wrong = new List<string>();
        var sources = specs.Select(w => (Address: w.Addresses[0], Service: serviceOf[w.Id])).Append((Address: Outside, Service: -1)).ToList();
        foreach (var (srcAddress, srcService) in sources)
        {
            foreach (var dst in specs.Where(d => d.Addresses[0] != srcAddress))
            {
                foreach (var port in services[serviceOf[dst.Id]].Ports)
                {
                    var expected = edges.Contains((srcService, serviceOf[dst.Id], port));
                    var verdict = evaluator.Evaluate(srcAddress, dst.Addresses[0], 6, port);
                    if (verdict.Allowed != expected)
                        wrong.Add($"{srcAddress}->{dst.Id}:{port} {(verdict.Allowed ? "allowed" : "refused")} ({verdict})");
                }
            }
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }
}
