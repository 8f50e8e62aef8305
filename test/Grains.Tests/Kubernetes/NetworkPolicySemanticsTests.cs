using System.Text.Json;
using MicroSeg.Grains.Interfaces.Kubernetes;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Workloads;
using MicroSeg.Grains.Rules;

namespace MicroSeg.Grains.Tests.Kubernetes;

/// <summary>
/// Kubernetes NetworkPolicy semantics, case by case from the Kubernetes documentation
/// (concepts/services-networking/network-policies): each row applies NetworkPolicies to a small
/// cluster, compiles the node's rules, and asks the data-plane oracle whether one flow passes.
/// </summary>
public sealed class NetworkPolicySemanticsTests
{
    private static readonly (string Id, string Ns, string App, string Address, Dictionary<string, string> Ports)[] Pods =
    [
        ("prod-db", "prod", "db", "198.18.1.1", new() { ["pg"] = "TCP/5432", ["dns"] = "TCP/53" }),
        ("prod-api", "prod", "api", "198.18.1.2", new() { ["http"] = "TCP/8080" }),
        ("prod-web", "prod", "web", "198.18.1.3", new() { ["http"] = "TCP/80" }),
        ("dev-api", "dev", "api", "198.18.2.2", new()),
        ("dev-db", "dev", "db", "198.18.2.1", new() { ["pg"] = "TCP/5433" }),
        ("other-tool", "other", "tool", "198.18.3.1", new()),
    ];

    private static readonly Dictionary<string, IReadOnlyDictionary<string, string>> NamespaceLabelsByName = new()
    {
        ["prod"] = new Dictionary<string, string> { ["team"] = "a", ["env"] = "prod" },
        ["dev"] = new Dictionary<string, string> { ["team"] = "b" },
    };

    private const string External = "198.19.9.9";
    private const string ExternalAllowed = "198.19.1.1";
    private const string ExternalFar = "198.20.0.1";

    private const string DenyAllIngress = """{"metadata":{"name":"deny-in","namespace":"prod"},"spec":{"podSelector":{},"policyTypes":["Ingress"]}}""";
    private const string AllowAllIngress = """{"metadata":{"name":"allow-in","namespace":"prod"},"spec":{"podSelector":{},"ingress":[{}]}}""";
    private const string DenyAllEgress = """{"metadata":{"name":"deny-out","namespace":"prod"},"spec":{"podSelector":{},"policyTypes":["Egress"]}}""";
    private const string DenyAll = """{"metadata":{"name":"deny-all","namespace":"prod"},"spec":{"podSelector":{},"policyTypes":["Ingress","Egress"]}}""";
    private const string DbFromApi5432 = """{"metadata":{"name":"db","namespace":"prod"},"spec":{"podSelector":{"matchLabels":{"app":"db"}},"ingress":[{"from":[{"podSelector":{"matchLabels":{"app":"api"}}}],"ports":[{"protocol":"TCP","port":5432}]}]}}""";
    private const string DbFromTeamA = """{"metadata":{"name":"db","namespace":"prod"},"spec":{"podSelector":{"matchLabels":{"app":"db"}},"ingress":[{"from":[{"namespaceSelector":{"matchLabels":{"team":"b"}}}]}]}}""";
    private const string DbFromApiInTeamB = """{"metadata":{"name":"db","namespace":"prod"},"spec":{"podSelector":{"matchLabels":{"app":"db"}},"ingress":[{"from":[{"namespaceSelector":{"matchLabels":{"team":"b"}},"podSelector":{"matchLabels":{"app":"api"}}}]}]}}""";
    private const string DbFromTeamBOrApi = """{"metadata":{"name":"db","namespace":"prod"},"spec":{"podSelector":{"matchLabels":{"app":"db"}},"ingress":[{"from":[{"namespaceSelector":{"matchLabels":{"team":"b"}}},{"podSelector":{"matchLabels":{"app":"api"}}}]}]}}""";
    private const string DbFromIpBlock = """{"metadata":{"name":"db","namespace":"prod"},"spec":{"podSelector":{"matchLabels":{"app":"db"}},"ingress":[{"from":[{"ipBlock":{"cidr":"198.19.0.0/16","except":["198.19.9.0/24"]}}]}]}}""";
    private const string DbPortsOnly = """{"metadata":{"name":"db","namespace":"prod"},"spec":{"podSelector":{"matchLabels":{"app":"db"}},"ingress":[{"ports":[{"port":5432}]}]}}""";
    private const string DbNamedPort = """{"metadata":{"name":"db","namespace":"prod"},"spec":{"podSelector":{"matchLabels":{"app":"db"}},"ingress":[{"ports":[{"port":"pg"}]}]}}""";
    private const string DbNamedUdp = """{"metadata":{"name":"db","namespace":"prod"},"spec":{"podSelector":{"matchLabels":{"app":"db"}},"ingress":[{"ports":[{"protocol":"UDP","port":"dns"}]}]}}""";
    private const string DbAllPorts = """{"metadata":{"name":"db-all","namespace":"prod"},"spec":{"podSelector":{"matchLabels":{"app":"db"}},"ingress":[{"ports":[{"port":1,"endPort":65535}]}]}}""";
    private const string DbRange = """{"metadata":{"name":"db","namespace":"prod"},"spec":{"podSelector":{"matchLabels":{"app":"db"}},"ingress":[{"ports":[{"port":8000,"endPort":8010}]}]}}""";
    private const string DbFromWeb = """{"metadata":{"name":"db-web","namespace":"prod"},"spec":{"podSelector":{"matchLabels":{"app":"db"}},"ingress":[{"from":[{"podSelector":{"matchLabels":{"app":"web"}}}]}]}}""";
    private const string ApiEgressOnlyRules = """{"metadata":{"name":"api-out","namespace":"prod"},"spec":{"podSelector":{"matchLabels":{"app":"api"}},"egress":[{"to":[{"podSelector":{"matchLabels":{"app":"db"}}}]}]}}""";
    private const string ApiEmptyEgress = """{"metadata":{"name":"api-out","namespace":"prod"},"spec":{"podSelector":{"matchLabels":{"app":"api"}},"egress":[]}}""";
    private const string ApiEgressTypeWithIngressRules = """{"metadata":{"name":"api-out","namespace":"prod"},"spec":{"podSelector":{"matchLabels":{"app":"api"}},"policyTypes":["Egress"],"ingress":[{"from":[{"podSelector":{"matchLabels":{"app":"web"}}}]}]}}""";
    private const string DbFromAllPodsInNs = """{"metadata":{"name":"db","namespace":"prod"},"spec":{"podSelector":{"matchLabels":{"app":"db"}},"ingress":[{"from":[{"podSelector":{}}]}]}}""";
    private const string DbFromAllNamespaces = """{"metadata":{"name":"db","namespace":"prod"},"spec":{"podSelector":{"matchLabels":{"app":"db"}},"ingress":[{"from":[{"namespaceSelector":{}}]}]}}""";
    private const string ApiEgressDbAndDns = """{"metadata":{"name":"api-out","namespace":"prod"},"spec":{"podSelector":{"matchLabels":{"app":"api"}},"policyTypes":["Egress"],"egress":[{"to":[{"podSelector":{"matchLabels":{"app":"db"}}}],"ports":[{"port":5432}]},{"ports":[{"protocol":"UDP","port":53}]}]}}""";
    private const string ApiEgressNamedPg = """{"metadata":{"name":"api-out","namespace":"prod"},"spec":{"podSelector":{"matchLabels":{"app":"api"}},"policyTypes":["Egress"],"egress":[{"to":[{"namespaceSelector":{}}],"ports":[{"port":"pg"}]}]}}""";
    private const string ApiEgressWorld = """{"metadata":{"name":"api-out","namespace":"prod"},"spec":{"podSelector":{"matchLabels":{"app":"api"}},"policyTypes":["Egress"],"egress":[{"to":[{"ipBlock":{"cidr":"0.0.0.0/0","except":["198.19.9.0/24"]}}]}]}}""";
    private const string DbFromOtherByName = """{"metadata":{"name":"db","namespace":"prod"},"spec":{"podSelector":{"matchLabels":{"app":"db"}},"ingress":[{"from":[{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"other"}}}]}]}}""";
    private const string NotWebIngress = """{"metadata":{"name":"not-web","namespace":"prod"},"spec":{"podSelector":{"matchExpressions":[{"key":"app","operator":"NotIn","values":["web"]}]},"policyTypes":["Ingress"]}}""";
    private const string DbSctp = """{"metadata":{"name":"db","namespace":"prod"},"spec":{"podSelector":{"matchLabels":{"app":"db"}},"ingress":[{"ports":[{"protocol":"SCTP","port":7000}]}]}}""";
    private const string DevDenyAll = """{"metadata":{"name":"deny-in","namespace":"dev"},"spec":{"podSelector":{"matchLabels":{"app":"db"}},"policyTypes":["Ingress"]}}""";
    private const string NoNamespaceDefaultsToDefault = """{"metadata":{"name":"deny-in"},"spec":{"podSelector":{},"policyTypes":["Ingress"]}}""";

    public static TheoryData<string, string[], string, string, string, int, bool> Cases => new()
    {
        { "no policy: everything flows", [], "dev-api", "prod-db", "TCP", 5432, true },
        { "no policy: external flows in", [], External, "prod-db", "TCP", 1, true },
        { "default deny ingress isolates every pod of the namespace", [DenyAllIngress], "prod-api", "prod-db", "TCP", 5432, false },
        { "default deny ingress: other namespaces untouched", [DenyAllIngress], "prod-api", "dev-db", "TCP", 5432, true },
        { "default deny ingress leaves egress open", [DenyAllIngress], "prod-api", "dev-api", "TCP", 80, true },
        { "allow all ingress ({} rule) admits anyone", [DenyAllIngress, AllowAllIngress], "other-tool", "prod-db", "UDP", 53, true },
        { "default deny egress blocks sending", [DenyAllEgress], "prod-api", "dev-api", "TCP", 80, false },
        { "default deny egress leaves ingress open", [DenyAllEgress], "dev-api", "prod-api", "TCP", 80, true },
        { "deny all blocks both ways", [DenyAll], "dev-api", "prod-web", "TCP", 80, false },
        { "podSelector peer on its port is allowed", [DbFromApi5432], "prod-api", "prod-db", "TCP", 5432, true },
        { "podSelector peer on another port is denied", [DbFromApi5432], "prod-api", "prod-db", "TCP", 80, false },
        { "pod not matching the peer is denied", [DbFromApi5432], "prod-web", "prod-db", "TCP", 5432, false },
        { "podSelector peer stays in the policy's namespace", [DbFromApi5432], "dev-api", "prod-db", "TCP", 5432, false },
        { "UDP does not match a TCP port", [DbFromApi5432], "prod-api", "prod-db", "UDP", 5432, false },
        { "the selected pod is isolated for ingress only", [DbFromApi5432], "prod-db", "prod-web", "TCP", 80, true },
        { "namespaceSelector admits every pod of matching namespaces", [DbFromTeamA], "dev-db", "prod-db", "TCP", 1, true },
        { "namespaceSelector excludes the policy's own namespace when it does not match", [DbFromTeamA], "prod-api", "prod-db", "TCP", 1, false },
        { "namespaceSelector and podSelector in one peer: both match", [DbFromApiInTeamB], "dev-api", "prod-db", "TCP", 5432, true },
        { "one peer: right namespace, wrong pod", [DbFromApiInTeamB], "dev-db", "prod-db", "TCP", 5432, false },
        { "one peer: right pod, wrong namespace", [DbFromApiInTeamB], "prod-api", "prod-db", "TCP", 5432, false },
        { "two peers are ORed: namespace peer", [DbFromTeamBOrApi], "dev-db", "prod-db", "TCP", 5432, true },
        { "two peers are ORed: pod peer in own namespace", [DbFromTeamBOrApi], "prod-api", "prod-db", "TCP", 5432, true },
        { "two peers: neither matches", [DbFromTeamBOrApi], "other-tool", "prod-db", "TCP", 5432, false },
        { "ipBlock admits an address inside the block", [DbFromIpBlock], ExternalAllowed, "prod-db", "TCP", 5432, true },
        { "ipBlock except refuses an address in the hole", [DbFromIpBlock], External, "prod-db", "TCP", 5432, false },
        { "ipBlock refuses an address outside the block", [DbFromIpBlock], ExternalFar, "prod-db", "TCP", 5432, false },
        { "ipBlock refuses a pod outside the block", [DbFromIpBlock], "prod-api", "prod-db", "TCP", 5432, false },
        { "rule with ports only admits any peer on the port", [DbPortsOnly], "other-tool", "prod-db", "TCP", 5432, true },
        { "rule with ports only: other port denied", [DbPortsOnly], "other-tool", "prod-db", "TCP", 5433, false },
        { "named port resolves on the selected pod", [DbNamedPort], "prod-web", "prod-db", "TCP", 5432, true },
        { "named port: another pod's number does not count", [DbNamedPort], "prod-web", "dev-db", "TCP", 5433, true },
        { "named port: the number of the name elsewhere is denied here", [DbNamedPort], "prod-web", "prod-db", "TCP", 5433, false },
        { "named port must match the protocol", [DbNamedUdp], "prod-web", "prod-db", "UDP", 53, false },
        { "endPort range: inside", [DbRange], "prod-api", "prod-db", "TCP", 8005, true },
        { "endPort range: last port included", [DbRange], "prod-api", "prod-db", "TCP", 8010, true },
        { "endPort range: past the end", [DbRange], "prod-api", "prod-db", "TCP", 8011, false },
        { "endPort range: one below the start", [DbRange], "prod-api", "prod-db", "TCP", 7999, false },
        { "endPort 1-65535: the last port", [DbAllPorts], "prod-api", "prod-db", "TCP", 65535, true },
        { "endPort 1-65535: TCP only", [DbAllPorts], "prod-api", "prod-db", "UDP", 53, false },
        { "policies are additive: first policy's peer", [DbFromApi5432, DbFromWeb], "prod-api", "prod-db", "TCP", 5432, true },
        { "policies are additive: second policy's peer on any port", [DbFromApi5432, DbFromWeb], "prod-web", "prod-db", "TCP", 9999, true },
        { "egress rules without policyTypes imply Ingress too", [ApiEgressOnlyRules], "prod-web", "prod-api", "TCP", 8080, false },
        { "egress rules without policyTypes isolate egress", [ApiEgressOnlyRules], "prod-api", "prod-web", "TCP", 80, false },
        { "egress rules admit their peers", [ApiEgressOnlyRules], "prod-api", "prod-db", "TCP", 5432, true },
        { "an empty egress list without policyTypes does not isolate egress", [ApiEmptyEgress], "prod-api", "prod-web", "TCP", 80, true },
        { "an empty egress list without policyTypes still isolates ingress", [ApiEmptyEgress], "prod-web", "prod-api", "TCP", 8080, false },
        { "policyTypes Egress ignores ingress rules", [ApiEgressTypeWithIngressRules], "other-tool", "prod-api", "TCP", 8080, true },
        { "empty podSelector peer: every pod of the namespace", [DbFromAllPodsInNs], "prod-web", "prod-db", "TCP", 1, true },
        { "empty podSelector peer: not other namespaces", [DbFromAllPodsInNs], "dev-api", "prod-db", "TCP", 1, false },
        { "empty namespaceSelector peer: every namespace", [DbFromAllNamespaces], "other-tool", "prod-db", "TCP", 1, true },
        { "empty namespaceSelector peer: not external addresses", [DbFromAllNamespaces], ExternalAllowed, "prod-db", "TCP", 1, false },
        { "egress to db on 5432", [ApiEgressDbAndDns], "prod-api", "dev-db", "TCP", 5432, false },
        { "egress to db in own namespace on 5432", [ApiEgressDbAndDns], "prod-api", "prod-db", "TCP", 5432, true },
        { "egress DNS to anyone", [ApiEgressDbAndDns], "prod-api", External, "UDP", 53, true },
        { "egress DNS rule is UDP only", [ApiEgressDbAndDns], "prod-api", External, "TCP", 53, false },
        { "egress named port resolves on each destination", [ApiEgressNamedPg], "prod-api", "dev-db", "TCP", 5433, true },
        { "egress named port: destination's own number only", [ApiEgressNamedPg], "prod-api", "dev-db", "TCP", 5432, false },
        { "egress ipBlock 0.0.0.0/0 reaches the outside", [ApiEgressWorld], "prod-api", ExternalFar, "TCP", 443, true },
        { "egress ipBlock except blocks the hole", [ApiEgressWorld], "prod-api", External, "TCP", 443, false },
        { "namespace name label works without describing the namespace", [DbFromOtherByName], "other-tool", "prod-db", "TCP", 1, true },
        { "namespace name label excludes other namespaces", [DbFromOtherByName], "dev-api", "prod-db", "TCP", 1, false },
        { "matchExpressions NotIn selects the others", [NotWebIngress], "prod-web", "prod-api", "TCP", 8080, false },
        { "matchExpressions NotIn leaves the excluded pod open", [NotWebIngress], "prod-api", "prod-web", "TCP", 80, true },
        { "SCTP port", [DbSctp], "prod-api", "prod-db", "SCTP", 7000, true },
        { "SCTP rule does not open TCP", [DbSctp], "prod-api", "prod-db", "TCP", 7000, false },
        { "a policy in another namespace does not select same-labelled pods", [DevDenyAll], "prod-api", "prod-db", "TCP", 5432, true },
        { "a policy without namespace applies to default only", [NoNamespaceDefaultsToDefault], "prod-api", "prod-db", "TCP", 5432, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Compile_NetworkPolicies_MatchKubernetesSemantics(string name, string[] policies, string from, string to, string protocol, int port, bool expected)
    {
        var specs = policies.Select(Translate).ToList();
        var workloads = Pods.Select((p, i) => new WorkloadRecord(new WorkloadSpec
        {
            Id = p.Id, Node = "n1", Interface = $"v{i}", Namespace = p.Ns, Addresses = [p.Address],
            Labels = new Dictionary<string, string> { ["app"] = p.App }, Ports = p.Ports,
        }, (uint)(256 + i))).ToList();
        var rules = NodeRuleCompiler.Compile("n1", workloads, specs, new NodeIdAllocations(), new NamespaceLabels(NamespaceLabelsByName));

        var oracle = new PolicyOracle(rules);
        var (fromId, fromAddress) = Resolve(from);
        var (toId, toAddress) = Resolve(to);
        var allowed = oracle.Allows(fromId, fromAddress, toId, toAddress, PolicyProtocols.Numbers[protocol], (ushort)port);
        Assert.True(allowed == expected, $"{name}: {from} -> {to} {protocol}/{port} was {(allowed ? "allowed" : "denied")}");
    }

    internal static PolicySpec Translate(string json)
    {
        var doc = JsonSerializer.Deserialize<NetworkPolicyDocument>(json, new JsonSerializerOptions(JsonSerializerDefaults.Web))! with
        {
            ApiVersion = NetworkPolicyTranslator.ApiVersion,
            Kind = "NetworkPolicy",
        };
        var (policy, errors) = NetworkPolicyTranslator.Translate(doc, json, "documents[0]");
        Assert.True(errors.Count == 0, string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}")));
        return policy!;
    }

    private static (string? Workload, string Address) Resolve(string endpoint) =>
        Pods.FirstOrDefault(p => p.Id == endpoint) is { Id: not null } pod ? (pod.Id, pod.Address) : (null, endpoint);
}
