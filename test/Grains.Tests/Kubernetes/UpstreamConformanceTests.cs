using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Workloads;
using MicroSeg.Grains.Rules;

namespace MicroSeg.Grains.Tests.Kubernetes;

/// <summary>
/// The upstream NetworkPolicy conformance cases (Kubernetes test/e2e/network/netpol, named as upstream names
/// them) that our importer can run: the upstream model of namespaces x, y, z with pods a, b, c each, serving
/// ports 80 and 81 on TCP, UDP and SCTP under named ports "serve-&lt;port&gt;-&lt;protocol&gt;". Each case imports
/// its NetworkPolicies through the translator, compiles the node, and checks the whole reachability matrix
/// with the data-plane oracle. A pod talking to itself never crosses its veth, so loopback is not probed
/// (upstream allows it too).
/// </summary>
public sealed class UpstreamConformanceTests
{
    private static readonly string[] Namespaces = ["x", "y", "z"];
    private static readonly string[] PodNames = ["a", "b", "c"];

    private sealed record Pod(string Ns, string Name)
    {
        public string Id => $"{Ns}-{Name}";

        public string Address => $"198.18.{10 + Array.IndexOf(Namespaces, Ns)}.{1 + Array.IndexOf(PodNames, Name)}";

        public bool Is(string qualified) => $"{Ns}/{Name}" == qualified;

        public override string ToString() => $"{Ns}/{Name}";
    }

    private static readonly Pod[] Pods = [.. Namespaces.SelectMany(ns => PodNames.Select(p => new Pod(ns, p)))];

    private static string Np(string ns, string name, string podSelector, string? ingress = null, string? egress = null, string? types = null) =>
        $$$"""{"metadata":{"name":"{{{name}}}","namespace":"{{{ns}}}"},"spec":{"podSelector":{{{podSelector}}}{{{(types is null ? "" : $",\"policyTypes\":{types}")}}}{{{(ingress is null ? "" : $",\"ingress\":{ingress}")}}}{{{(egress is null ? "" : $",\"egress\":{egress}")}}}}}""";

    private const string All = "{}";
    private const string PodA = """{"matchLabels":{"pod":"a"}}""";
    private const string PodB = """{"matchLabels":{"pod":"b"}}""";

    private static string Block(string address, params string[] except) =>
        $$$"""{"ipBlock":{"cidr":"{{{address}}}","except":[{{{string.Join(',', except.Select(e => $"\"{e}\""))}}}]}}""";

    private static string Host(string qualified) => Pods.Single(p => p.Is(qualified)).Address + "/32";

    public static TheoryData<string, string[], string, int, string> Cases => new()
    {
        { "should support a 'default-deny-ingress' policy", [Np("x", "deny-in", All, types: """["Ingress"]""")], "TCP", 80, "to.ns!=x" },
        { "should support a 'default-deny-all' policy", [Np("x", "deny-all", All, types: """["Ingress","Egress"]""")], "TCP", 80, "to.ns!=x & from.ns!=x" },
        { "should enforce policy to allow traffic from pods within server namespace based on PodSelector",
            [Np("x", "p", PodA, ingress: $$"""[{"from":[{"podSelector":{{PodB}}}]}]""")], "TCP", 80, "to!=x/a | from=x/b" },
        { "should enforce policy to allow ingress traffic for a target",
            [Np("x", "deny-in", All, types: """["Ingress"]"""), Np("x", "allow-a", PodA, ingress: "[{}]")], "TCP", 80, "to.ns!=x | to=x/a" },
        { "should enforce policy to allow ingress traffic from pods in all namespaces",
            [Np("x", "p", PodA, ingress: """[{"from":[{"namespaceSelector":{}}]}]""")], "TCP", 80, "true" },
        { "should enforce policy to allow traffic only from a different namespace, based on NamespaceSelector",
            [Np("x", "p", PodA, ingress: """[{"from":[{"namespaceSelector":{"matchLabels":{"ns":"y"}}}]}]""")], "TCP", 80, "to!=x/a | from.ns=y" },
        { "should enforce policy based on PodSelector with MatchExpressions",
            [Np("x", "p", PodA, ingress: """[{"from":[{"podSelector":{"matchExpressions":[{"key":"pod","operator":"In","values":["b"]}]}}]}]""")], "TCP", 80, "to!=x/a | from=x/b" },
        { "should enforce policy based on NamespaceSelector with MatchExpressions",
            [Np("x", "p", PodA, ingress: """[{"from":[{"namespaceSelector":{"matchExpressions":[{"key":"ns","operator":"In","values":["y"]}]}}]}]""")], "TCP", 80, "to!=x/a | from.ns=y" },
        { "should enforce policy based on PodSelector or NamespaceSelector",
            [Np("x", "p", PodA, ingress: """[{"from":[{"namespaceSelector":{"matchExpressions":[{"key":"ns","operator":"NotIn","values":["x"]}]}},{"podSelector":{"matchLabels":{"pod":"b"}}}]}]""")],
            "TCP", 80, "to!=x/a | from.ns!=x | from=x/b" },
        { "should enforce policy based on PodSelector and NamespaceSelector",
            [Np("x", "p", PodA, ingress: """[{"from":[{"namespaceSelector":{"matchExpressions":[{"key":"ns","operator":"NotIn","values":["x"]}]},"podSelector":{"matchLabels":{"pod":"b"}}}]}]""")],
            "TCP", 80, "to!=x/a | from=y/b | from=z/b" },
        { "should enforce policy based on Multiple PodSelectors and NamespaceSelectors",
            [Np("x", "p", PodA, ingress: """[{"from":[{"namespaceSelector":{"matchExpressions":[{"key":"ns","operator":"NotIn","values":["x"]}]},"podSelector":{"matchExpressions":[{"key":"pod","operator":"In","values":["b","c"]}]}}]}]""")],
            "TCP", 80, "to!=x/a | from=y/b | from=y/c | from=z/b | from=z/c" },
        { "should enforce policy based on any PodSelectors",
            [Np("x", "p", PodA, ingress: """[{"from":[{"podSelector":{"matchLabels":{"pod":"b"}}},{"podSelector":{"matchLabels":{"pod":"c"}}}]}]""")], "TCP", 80, "to!=x/a | from=x/b | from=x/c" },
        { "should enforce policy based on Ports (other port)",
            [Np("x", "p", PodA, ingress: """[{"from":[{"namespaceSelector":{"matchLabels":{"ns":"y"}}}],"ports":[{"port":81,"protocol":"TCP"}]}]""")], "TCP", 80, "to!=x/a" },
        { "should enforce policy based on Ports (the port)",
            [Np("x", "p", PodA, ingress: """[{"from":[{"namespaceSelector":{"matchLabels":{"ns":"y"}}}],"ports":[{"port":81,"protocol":"TCP"}]}]""")], "TCP", 81, "to!=x/a | from.ns=y" },
        { "should enforce multiple, stacked policies with overlapping podSelectors",
            [Np("x", "p80", PodA, ingress: """[{"from":[{"namespaceSelector":{"matchLabels":{"ns":"y"}}}],"ports":[{"port":80}]}]"""),
             Np("x", "p81", PodA, ingress: """[{"from":[{"namespaceSelector":{"matchLabels":{"ns":"z"}}}],"ports":[{"port":81}]}]""")], "TCP", 81, "to!=x/a | from.ns=z" },
        { "should support allow-all policy", [Np("x", "allow-all", All, ingress: "[{}]")], "TCP", 80, "true" },
        { "should allow ingress access on one named port", [Np("x", "p", All, ingress: """[{"ports":[{"port":"serve-81-tcp"}]}]""")], "TCP", 80, "to.ns!=x" },
        { "should allow ingress access on one named port (the port)", [Np("x", "p", All, ingress: """[{"ports":[{"port":"serve-81-tcp"}]}]""")], "TCP", 81, "true" },
        { "should allow ingress access from namespace on one named port",
            [Np("x", "p", All, ingress: """[{"from":[{"namespaceSelector":{"matchLabels":{"ns":"y"}}}],"ports":[{"port":"serve-80-tcp"}]}]""")], "TCP", 80, "to.ns!=x | from.ns=y" },
        { "should allow egress access on one named port", [Np("x", "p", All, egress: """[{"ports":[{"port":"serve-80-tcp"}]}]""", types: """["Egress"]""")], "TCP", 80, "true" },
        { "should allow egress access on one named port (other port)", [Np("x", "p", All, egress: """[{"ports":[{"port":"serve-80-tcp"}]}]""", types: """["Egress"]""")], "TCP", 81, "from.ns!=x" },
        { "should deny ingress from pods on other namespaces", [Np("x", "p", All, ingress: """[{"from":[{"podSelector":{}}]}]""")], "TCP", 80, "to.ns!=x | from.ns=x" },
        { "should deny egress from pods based on PodSelector", [Np("x", "p", PodA, types: """["Egress"]""")], "TCP", 80, "from!=x/a" },
        { "should deny egress from all pods in a namespace", [Np("x", "p", All, types: """["Egress"]""")], "TCP", 80, "from.ns!=x" },
        { "should work with Ingress, Egress specified together",
            [Np("x", "p", PodA, ingress: $$"""[{"from":[{"podSelector":{{PodB}}}]}]""", egress: """[{"ports":[{"port":80}]}]""", types: """["Ingress","Egress"]""")], "TCP", 80, "to!=x/a | from=x/b" },
        { "should work with Ingress, Egress specified together (egress port)",
            [Np("x", "p", PodA, ingress: $$"""[{"from":[{"podSelector":{{PodB}}}]}]""", egress: """[{"ports":[{"port":80}]}]""", types: """["Ingress","Egress"]""")], "TCP", 81, "(to!=x/a | from=x/b) & from!=x/a" },
        { "should support denying of egress traffic on the client side (even if the server explicitly allows this traffic)",
            [Np("x", "a-out", PodA, egress: """[{"to":[{"namespaceSelector":{"matchLabels":{"ns":"y"}}}]}]""", types: """["Egress"]"""),
             Np("y", "y-a-in", PodA, ingress: """[{"from":[{"namespaceSelector":{"matchLabels":{"ns":"x"}},"podSelector":{"matchLabels":{"pod":"a"}}}]}]"""),
             Np("z", "z-b-in", PodB, ingress: """[{"from":[{"namespaceSelector":{"matchLabels":{"ns":"x"}},"podSelector":{"matchLabels":{"pod":"a"}}}]}]""")],
            "TCP", 80, "(from!=x/a | to.ns=y) & (to!=y/a | from=x/a) & to!=z/b" },
        { "should enforce egress policy allowing traffic to a server in a different namespace based on PodSelector and NamespaceSelector",
            [Np("x", "p", PodA, egress: """[{"to":[{"namespaceSelector":{"matchLabels":{"ns":"y"}},"podSelector":{"matchLabels":{"pod":"a"}}}]}]""", types: """["Egress"]""")], "TCP", 80, "from!=x/a | to=y/a" },
        { "should enforce ingress policy allowing any port traffic to a server on a specific protocol",
            [Np("x", "p", PodA, ingress: """[{"ports":[{"protocol":"TCP"}]}]""")], "UDP", 80, "to!=x/a" },
        { "should enforce ingress policy allowing any port traffic to a server on a specific protocol (the protocol)",
            [Np("x", "p", PodA, ingress: """[{"ports":[{"protocol":"TCP"}]}]""")], "TCP", 81, "true" },
        { "should enforce multiple ingress policies with ingress allow-all policy taking precedence",
            [Np("x", "only-80", PodA, ingress: """[{"ports":[{"port":80}]}]"""), Np("x", "allow-all", PodA, ingress: "[{}]")], "TCP", 81, "true" },
        { "should enforce multiple egress policies with egress allow-all policy taking precedence",
            [Np("x", "only-80", PodA, egress: """[{"ports":[{"port":80}]}]""", types: """["Egress"]"""), Np("x", "allow-all", PodA, egress: "[{}]", types: """["Egress"]""")], "TCP", 81, "true" },
        { "should allow egress access to server in CIDR block",
            [Np("x", "p", PodA, egress: $"[{{\"to\":[{Block(Host("y/b"))}]}}]", types: """["Egress"]""")], "TCP", 80, "from!=x/a | to=y/b" },
        { "should enforce except clause while egress access to server in CIDR block",
            [Np("x", "p", PodA, egress: $"[{{\"to\":[{Block("198.18.0.0/16", Host("y/b"))}]}}]", types: """["Egress"]""")], "TCP", 80, "from!=x/a | to!=y/b" },
        { "should ensure an IP overlapping both IPBlock.CIDR and IPBlock.Except is allowed (except only)",
            [Np("x", "p", PodA, egress: $"[{{\"to\":[{Block("192.0.0.0/4", Host("x/b"))}]}}]", types: """["Egress"]""")], "TCP", 80, "from!=x/a | to!=x/b" },
        { "should ensure an IP overlapping both IPBlock.CIDR and IPBlock.Except is allowed",
            [Np("x", "p", PodA, egress: $"[{{\"to\":[{Block("192.0.0.0/4", Host("x/b"))}]}}]", types: """["Egress"]"""), Np("x", "q", PodA, egress: $"[{{\"to\":[{Block(Host("x/b"))}]}}]", types: """["Egress"]""")], "TCP", 80, "true" },
        { "should ensure an IP overlapping both IPBlock.CIDR and IPBlock.Except is allowed (replaced)",
            [Np("x", "p", PodA, egress: $"[{{\"to\":[{Block(Host("x/b"))}]}}]", types: """["Egress"]""")], "TCP", 80, "from!=x/a | to=x/b" },
        { "should enforce policies to check ingress and egress policies can be controlled independently based on PodSelector",
            [Np("x", "a-out", PodA, egress: "[{}]", types: """["Egress"]"""), Np("x", "b-in", PodB, types: """["Ingress"]""")], "TCP", 80, "to!=x/b" },
        { "should not mistakenly treat 'protocol: SCTP' as 'protocol: TCP', even if the plugin doesn't support SCTP",
            [Np("x", "p", PodA, ingress: """[{"ports":[{"protocol":"SCTP","port":80}]}]""")], "TCP", 80, "to!=x/a" },
        { "should properly isolate pods that are selected by a policy allowing SCTP, even if the plugin doesn't support SCTP",
            [Np("x", "p", PodA, ingress: """[{"ports":[{"protocol":"SCTP","port":80}]}]""")], "SCTP", 80, "true" },
        { "should not allow access by TCP when a policy specifies only UDP",
            [Np("x", "p", PodA, ingress: """[{"ports":[{"protocol":"UDP","port":81}]}]""")], "TCP", 81, "to!=x/a" },
        { "should enforce policy to allow traffic based on NamespaceSelector with MatchLabels using default ns label",
            [Np("x", "p", PodA, ingress: """[{"from":[{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"y"}}}]}]""")], "TCP", 80, "to!=x/a | from.ns=y" },
        { "should enforce ingress policy with endPort field",
            [Np("x", "p", PodA, ingress: """[{"from":[{"namespaceSelector":{"matchLabels":{"ns":"y"}}}],"ports":[{"port":80,"endPort":81}]}]""")], "TCP", 81, "to!=x/a | from.ns=y" },
        { "should enforce egress policy with endPort field (outside the range)",
            [Np("x", "p", PodA, egress: """[{"ports":[{"port":79,"endPort":80}]}]""", types: """["Egress"]""")], "TCP", 81, "from!=x/a" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Import_UpstreamCase_ReachabilityMatchesUpstream(string name, string[] policies, string protocol, int port, string expectation)
    {
        var specs = policies.Select(NetworkPolicySemanticsTests.Translate).ToList();
        var workloads = Pods.Select((p, i) => new WorkloadRecord(new WorkloadSpec
        {
            Id = p.Id, Node = "n1", Interface = $"v{i}", Namespace = p.Ns, Addresses = [p.Address],
            Labels = new Dictionary<string, string> { ["pod"] = p.Name },
            Ports = new Dictionary<string, string>
            {
                ["serve-80-tcp"] = "TCP/80", ["serve-81-tcp"] = "TCP/81", ["serve-80-udp"] = "UDP/80",
                ["serve-81-udp"] = "UDP/81", ["serve-80-sctp"] = "SCTP/80", ["serve-81-sctp"] = "SCTP/81",
            },
        }, (uint)(256 + i))).ToList();
        var namespaces = new NamespaceLabels(Namespaces.ToDictionary(ns => ns, ns => (IReadOnlyDictionary<string, string>)new Dictionary<string, string> { ["ns"] = ns }));
        var oracle = new PolicyOracle(NodeRuleCompiler.Compile("n1", workloads, specs, new NodeIdAllocations(), namespaces));

        var wrong = new List<string>();
        foreach (var from in Pods)
        {
            foreach (var to in Pods.Where(t => t != from))
            {
                var expected = Evaluate(expectation, from, to);
                var actual = oracle.Allows(from.Id, from.Address, to.Id, to.Address, PolicyProtocols.Numbers[protocol], (ushort)port);
                if (actual != expected)
                    wrong.Add($"{from}->{to} {(actual ? "allowed" : "blocked")}, expected {(expected ? "allowed" : "blocked")}");
            }
        }
        Assert.True(wrong.Count == 0, $"{name} ({protocol}/{port}): {string.Join("; ", wrong)}");
    }

    /// <summary>
    /// Reads an expectation: terms "from=x/a", "to!=x/a", "from.ns=y", "to.ns!=x", "true", joined by '|' (or) inside
    /// '&amp;' (and), with parentheses around an or-group.
    /// </summary>
    private static bool Evaluate(string expectation, Pod from, Pod to) =>
        expectation.Split('&').All(group => group.Trim().Trim('(', ')').Split('|').Any(term => Term(term.Trim(), from, to)));

    private static bool Term(string term, Pod from, Pod to)
    {
        if (term == "true")
            return true;
        var negated = term.Contains("!=", StringComparison.Ordinal);
        var parts = term.Split(negated ? "!=" : "=");
        var pod = parts[0].StartsWith("from", StringComparison.Ordinal) ? from : to;
        var holds = parts[0].EndsWith(".ns", StringComparison.Ordinal) ? pod.Ns == parts[1] : pod.Is(parts[1]);
        return holds != negated;
    }
}
