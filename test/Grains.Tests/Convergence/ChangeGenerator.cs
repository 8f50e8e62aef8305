using System.Text.Json;
using MicroSeg.Grains.Interfaces.Kubernetes;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Workloads;

namespace MicroSeg.Grains.Tests.Convergence;

/// <summary>
/// Random but valid change sequences over a small cluster, so that changes collide often: a few workloads on
/// two nodes with addresses from two small ranges (never two holders of one address, as the API refuses),
/// labels from a few values, two namespaces, and native and Kubernetes policies with selector and cidr
/// peers (with except), ports, ranges and named ports, deny and priority.
/// </summary>
internal sealed class ChangeGenerator(Random random, IReadOnlyList<string> interfaces, string localNode)
{
    private static readonly string[] Apps = ["a", "b", "c"];
    private static readonly string[] Namespaces = ["x", "y"];
    private static readonly string[] AddressPool = [.. Enumerable.Range(1, 10).Select(i => $"198.18.5.{i}"), "198.18.6.1", "198.18.6.2", "fd00:198:18::5"];
    private static readonly (string Cidr, string[] Except)[] Blocks =
    [
        ("198.18.5.0/24", []), ("198.18.5.0/29", ["198.18.5.2/32"]), ("198.18.5.4/30", []), ("198.18.5.3/32", []),
        ("198.18.0.0/15", ["198.18.6.0/24"]), ("192.0.0.0/4", ["198.18.5.2/32", "198.18.5.8/29"]), ("0.0.0.0/0", ["198.18.5.0/28"]),
        ("198.18.6.0/24", []), ("fd00:198:18::/48", []),
    ];

    public List<ClusterChange> Sequence(int length)
    {
        var state = new ClusterState();
        var changes = new List<ClusterChange>(length);
        for (var i = 0; i < length; i++)
        {
            var change = Next(state);
            change.ApplyTo(state);
            state.AllocateIdentities();
            changes.Add(change);
        }
        return changes;
    }

    private ClusterChange Next(ClusterState state)
    {
        var roll = random.Next(100);
        if (roll < 40)
            return PutWorkload(state);
        if (roll < 48 && state.Workloads.Count > 0)
            return new DeleteWorkload(Pick(state.Workloads.Keys.ToList()));
        if (roll < 85)
            return random.Next(2) == 0 ? NativePolicy() : KubernetesPolicy();
        if (roll < 93 && state.Policies.Count > 0)
            return new DeletePolicy(Pick(state.Policies.Keys.ToList()));
        return new PutNamespace(Pick(Namespaces), random.Next(3) == 0 ? new Dictionary<string, string>() : new Dictionary<string, string> { ["team"] = Pick(["t1", "t2"]) });
    }

    private PutWorkload PutWorkload(ClusterState state)
    {
        var id = $"w{random.Next(6)}";
        var others = state.Workloads.Values.Where(w => w.Id != id).ToList();
        var taken = others.SelectMany(w => w.Addresses).ToHashSet();
        var free = AddressPool.Where(a => !taken.Contains(a)).ToList();
        var addresses = Enumerable.Range(0, random.Next(3)).Select(_ => free.Count > 0 ? Pick(free) : null).OfType<string>().Distinct().ToList();
        var node = random.Next(3) == 0 ? "other" : localNode;
        // Interfaces are unique per node: two endpoints on one device is a different problem.
        var usedInterfaces = others.Where(w => w.Node == node).Select(w => w.Interface).ToHashSet();
        var freeInterfaces = interfaces.Where(i => !usedInterfaces.Contains(i)).ToList();
        var labels = new Dictionary<string, string> { ["app"] = Pick(Apps) };
        if (random.Next(2) == 0)
            labels["tier"] = Pick(["1", "2"]);
        var ports = new Dictionary<string, string>();
        if (random.Next(3) == 0)
            ports["web"] = Pick(["TCP/80", "TCP/8080", "UDP/80"]);
        return new PutWorkload(new WorkloadSpec
        {
            Id = id,
            Node = node,
            Interface = random.Next(6) == 0 || freeInterfaces.Count == 0 ? null : Pick(freeInterfaces),
            Addresses = addresses,
            Labels = labels,
            Namespace = Pick(Namespaces),
            Ports = ports,
            Mode = random.Next(5) == 0 ? EnforcementMode.Monitor : null,
        });
    }

    private PutPolicy NativePolicy()
    {
        var spec = new PolicySpec
        {
            Id = $"p{random.Next(4)}",
            Selector = Selector(),
            Ingress = random.Next(3) == 0 ? null : Rules(ingress: true),
            Egress = random.Next(3) == 0 ? null : Rules(ingress: false),
            Action = random.Next(4) == 0 ? PolicyAction.Deny : PolicyAction.Allow,
            Priority = random.Next(3),
            Draft = random.Next(10) == 0,
        };
        if (spec.Ingress is null && spec.Egress is null)
            spec = spec with { Ingress = [] };
        var errors = Interfaces.Validation.PolicyValidator.Validate(spec);
        Assert.True(errors.Count == 0, $"the generator wrote an invalid policy: {string.Join("; ", errors.Select(e => e.Message))}");
        return new PutPolicy(spec, JsonSerializer.Serialize(spec, Json));
    }

    private PutPolicy KubernetesPolicy()
    {
        var ns = Pick(Namespaces);
        var name = $"k{random.Next(3)}";
        var document = new
        {
            apiVersion = NetworkPolicyTranslator.ApiVersion,
            kind = "NetworkPolicy",
            metadata = new { name, @namespace = ns },
            spec = new
            {
                podSelector = Selector(),
                policyTypes = Pick<string[]?>([null, ["Ingress"], ["Egress"], ["Ingress", "Egress"]]),
                ingress = random.Next(3) == 0 ? null : Enumerable.Range(0, random.Next(3)).Select(_ => new { from = KubernetesPeers(), ports = KubernetesPorts() }).ToArray(),
                egress = random.Next(3) == 0 ? null : Enumerable.Range(0, random.Next(3)).Select(_ => new { to = KubernetesPeers(), ports = KubernetesPorts() }).ToArray(),
            },
        };
        var json = JsonSerializer.Serialize(document, Json);
        var doc = JsonSerializer.Deserialize<NetworkPolicyDocument>(json, Json)!;
        var (policy, errors) = NetworkPolicyTranslator.Translate(doc, json, "documents[0]");
        Assert.True(errors.Count == 0, $"the generator wrote an invalid NetworkPolicy: {string.Join("; ", errors.Select(e => e.Message))}\n{json}");
        return new PutPolicy(policy!, json);
    }

    private object[]? KubernetesPeers() => random.Next(4) == 0 ? null : Enumerable.Range(0, 1 + random.Next(2)).Select(_ => random.Next(3) switch
    {
        0 => (object)new { ipBlock = IpBlock() },
        1 => new { podSelector = Selector() },
        _ => new { namespaceSelector = NamespaceSelector(), podSelector = random.Next(2) == 0 ? Selector() : null },
    }).ToArray();

    private object[]? KubernetesPorts() => random.Next(2) == 0 ? null : [random.Next(4) switch
    {
        0 => new { protocol = "TCP", port = (object)80, endPort = (int?)null },
        1 => new { protocol = "UDP", port = (object)53, endPort = (int?)null },
        2 => new { protocol = "TCP", port = (object)8000, endPort = (int?)8090 },
        _ => new { protocol = "TCP", port = (object)"web", endPort = (int?)null },
    }];

    private List<PolicyRule> Rules(bool ingress) => Enumerable.Range(0, random.Next(3))
        .Select(_ => ingress ? new PolicyRule { From = Peers(), Ports = Ports() } : new PolicyRule { To = Peers(), Ports = Ports() })
        .ToList();

    private List<PolicyPeer>? Peers() => random.Next(4) == 0 ? null : Enumerable.Range(0, 1 + random.Next(2)).Select(_ => random.Next(3) switch
    {
        0 => CidrPeer(),
        1 => new PolicyPeer { Selector = Selector() },
        _ => new PolicyPeer { Selector = Selector(), NamespaceSelector = NamespaceSelector() },
    }).ToList();

    private List<PolicyPort>? Ports() => random.Next(2) == 0 ? null : [random.Next(5) switch
    {
        0 => new PolicyPort { Protocol = "TCP", Port = 80 },
        1 => new PolicyPort { Protocol = "UDP" },
        2 => new PolicyPort { Protocol = "TCP", Port = 8000, EndPort = 8090 },
        3 => new PolicyPort { Protocol = "TCP", Port = "web" },
        _ => new PolicyPort { Protocol = "TCP", Port = 8080 },
    }];

    private object IpBlock()
    {
        var (cidr, except) = Block();
        return new { cidr, except };
    }

    private PolicyPeer CidrPeer()
    {
        var (cidr, except) = Block();
        return new PolicyPeer { Cidr = cidr, Except = except.Length == 0 ? null : except };
    }

    private (string Cidr, string[] Except) Block()
    {
        var (cidr, except) = Pick(Blocks);
        return (cidr, except.Where(_ => random.Next(2) == 0).ToArray());
    }

    private LabelSelector Selector() => random.Next(4) switch
    {
        0 => new LabelSelector(),
        1 => new LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = Pick(Apps) } },
        2 => new LabelSelector { MatchExpressions = [new LabelSelectorRequirement { Key = "tier", Operator = SelectorOperators.In, Values = ["1"] }] },
        _ => new LabelSelector { MatchExpressions = [new LabelSelectorRequirement { Key = "app", Operator = SelectorOperators.NotIn, Values = [Pick(Apps)] }] },
    };

    private LabelSelector NamespaceSelector() => random.Next(3) switch
    {
        0 => new LabelSelector(),
        1 => new LabelSelector { MatchLabels = new Dictionary<string, string> { ["team"] = Pick(["t1", "t2"]) } },
        _ => new LabelSelector { MatchLabels = new Dictionary<string, string> { [PolicyProtocols.NamespaceNameLabel] = Pick(Namespaces) } },
    };

    private T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };
}
