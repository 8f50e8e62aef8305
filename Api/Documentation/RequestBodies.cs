using System.Text.Json.Nodes;
using MicroSeg.Api.Endpoints;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Settings;
using MicroSeg.Grains.Interfaces.Workloads;

namespace MicroSeg.Api.Documentation;

/// <summary>
/// The body each writing operation reads, by operation name, with an example. The handlers read their bodies
/// themselves (so that every bad input answers problem+json naming the field, and NetworkPolicies take YAML),
/// which hides the body from the OpenAPI generator; this table puts it back into the document only.
/// </summary>
internal static class RequestBodies
{
    /// <summary>A body: its JSON type (null for text), the media types accepted and an example.</summary>
    internal sealed record Body(Type? Type, string[] MediaTypes, JsonNode Example);

    private static readonly string[] Json = ["application/json"];

    private static readonly JsonNode PolicyExample = JsonNode.Parse("""
        {"id": "b-accepts-a", "selector": {"matchLabels": {"app": "b"}},
         "ingress": [{"from": [{"selector": {"matchLabels": {"app": "a"}}}, {"cidr": "198.18.9.0/24", "except": ["198.18.9.128/25"]}],
                      "ports": [{"protocol": "TCP", "port": 80}]}],
         "action": "allow"}
        """)!;

    private static readonly JsonNode WorkloadExample = JsonNode.Parse("""
        {"id": "web-1", "node": "node-1", "interface": "veth-web1", "addresses": ["198.18.0.2"],
         "labels": {"app": "web", "env": "prod"}, "namespace": "shop", "ports": {"http": "TCP/80"}, "mode": "protect"}
        """)!;

    private static readonly JsonNode NamespaceExample = JsonNode.Parse("""{"name": "shop", "labels": {"team": "payments"}}""")!;

    private static readonly JsonNode TokenExample = JsonNode.Parse("""{"name": "ci-deployer", "role": "operator"}""")!;

    private static readonly JsonNode SettingsExample = JsonNode.Parse("""{"defaultMode": "protect", "labelGroups": [{"selector": {"matchLabels": {"env": "staging"}}, "mode": "monitor"}]}""")!;

    private static readonly JsonNode NetworkPolicyExample = JsonValue.Create("""
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: db-from-api, namespace: shop}
        spec:
          podSelector: {matchLabels: {app: db}}
          policyTypes: [Ingress]
          ingress:
          - from: [{podSelector: {matchLabels: {app: api}}}]
            ports: [{protocol: TCP, port: 5432}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: default-deny, namespace: shop}
        spec: {podSelector: {}, policyTypes: [Ingress]}
        """)!;

    /// <summary>Operation name → body.</summary>
    public static readonly IReadOnlyDictionary<string, Body> ByOperation = new Dictionary<string, Body>(StringComparer.Ordinal)
    {
        ["CreatePolicy"] = new(typeof(PolicySpec), Json, PolicyExample),
        ["PutPolicy"] = new(typeof(PolicySpec), Json, PolicyExample),
        ["CreateWorkload"] = new(typeof(WorkloadSpec), Json, WorkloadExample),
        ["PutWorkload"] = new(typeof(WorkloadSpec), Json, WorkloadExample),
        ["CreateNamespace"] = new(typeof(NamespaceRequest), Json, NamespaceExample),
        ["PutNamespace"] = new(typeof(NamespaceRequest), Json, NamespaceExample),
        ["CreateToken"] = new(typeof(TokenRequest), Json, TokenExample),
        ["PutEnforcementSettings"] = new(typeof(EnforcementSettings), Json, SettingsExample),
        ["ApplyNetworkPolicies"] = new(null, ["application/yaml", "application/json"], NetworkPolicyExample),
        ["PutNetworkPolicy"] = new(null, ["application/yaml", "application/json"], NetworkPolicyExample),
    };

    private static readonly JsonNode WorkloadViewExample = JsonNode.Parse("""
        {"id": "web-1", "node": "node-1", "interface": "veth-web1", "addresses": ["198.18.0.2"], "labels": {"app": "web", "env": "prod"},
         "namespace": "shop", "ports": {"http": "TCP/80"}, "mode": "protect", "identity": 256}
        """)!;

    private static readonly JsonNode NodeExample = JsonNode.Parse("""
        {"name": "node-1", "agentConnected": true, "revision": 42, "appliedRevision": 42, "lastSeen": "2026-12-06T18:00:00Z",
         "endpoints": 3, "policyEntries": 12, "lastAck": null, "hold": null, "wouldDeny": null}
        """)!;

    private static readonly JsonNode WhyExample = JsonNode.Parse("""
        {"verdict": "allowed", "summary": "a -> b TCP/80: allowed by b's ingress rules: policy-allow (b-accepts-a/ingress/0).",
         "source": {"address": "198.18.0.1", "workload": "a", "node": "node-1"},
         "destination": {"address": "198.18.0.2", "workload": "b", "node": "node-1"}, "protocol": "TCP", "port": 80,
         "egress": {"workload": "a", "direction": "egress", "allowed": true, "reason": "default-allow", "rule": null, "policy": null,
                    "mode": "protect", "remoteIdentity": 257, "wouldDeny": false},
         "ingress": {"workload": "b", "direction": "ingress", "allowed": true, "reason": "policy-allow", "rule": "b-accepts-a/ingress/0",
                     "policy": "b-accepts-a", "mode": "protect", "remoteIdentity": 256, "wouldDeny": false}}
        """)!;

    private static readonly JsonNode FlowsExample = JsonNode.Parse("""
        {"items": [{"firstSeen": "2026-12-06T18:00:00Z", "lastSeen": "2026-12-06T18:00:05Z", "node": "node-1",
                    "src": {"workload": "a", "namespace": "default", "address": "198.18.0.1"},
                    "dst": {"workload": "b", "namespace": "default", "address": "198.18.0.2", "port": 80},
                    "protocol": "TCP", "verdict": "allow", "policy": "b-accepts-a", "reason": "rule", "connections": 3, "packets": 9, "bytes": 780}],
         "next": null}
        """)!;

    private static readonly JsonNode TopologyExample = JsonNode.Parse("""
        {"nodes": [{"id": "a", "level": "workload", "labels": {"app": "a"}}, {"id": "b", "level": "workload", "labels": {"app": "b"}}],
         "edges": [{"src": "a", "dst": "b", "ports": ["TCP/80"], "verdicts": {"allow": 3, "deny": 0, "would-deny": 0},
                    "policies": ["b-accepts-a"], "lastSeen": "2026-12-06T18:00:05Z"}]}
        """)!;

    /// <summary>Examples of answers, by the schema type they illustrate (a list of a type shows a one-item list).</summary>
    public static readonly IReadOnlyDictionary<Type, JsonNode> ResponseExamples = new Dictionary<Type, JsonNode>
    {
        [typeof(PolicySpec)] = PolicyExample,
        [typeof(WorkloadSpec)] = WorkloadExample,
        [typeof(WorkloadView)] = WorkloadViewExample,
        [typeof(Grains.Interfaces.Nodes.NodeStatus)] = NodeExample,
        [typeof(Explain.WhyAnswer)] = WhyExample,
        [typeof(Flows.FlowListView)] = FlowsExample,
        [typeof(Grains.Interfaces.Flows.TopologyView)] = TopologyExample,
        [typeof(HealthReport)] = JsonNode.Parse("""{"status": "ok", "nodes": 3, "error": null}""")!,
        [typeof(ReadinessReport)] = JsonNode.Parse("""{"status": "ready", "checks": {"membership": "ok", "storage": "ok"}}""")!,
    };

    /// <summary>The example of a type, or of its element type as a one-item list.</summary>
    public static JsonNode? ExampleOf(Type type)
    {
        if (ResponseExamples.TryGetValue(type, out var example))
            return example.DeepClone();
        var element = type.IsArray ? type.GetElementType()
            : type.IsGenericType && typeof(System.Collections.IEnumerable).IsAssignableFrom(type) ? type.GetGenericArguments()[0] : null;
        return element is not null && ResponseExamples.TryGetValue(element, out var item) ? new JsonArray(item.DeepClone()) : null;
    }
}
