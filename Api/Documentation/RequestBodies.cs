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

    /// <summary>Examples of answers, by the schema type they illustrate.</summary>
    public static readonly IReadOnlyDictionary<Type, JsonNode> ResponseExamples = new Dictionary<Type, JsonNode>
    {
        [typeof(PolicySpec)] = PolicyExample,
        [typeof(WorkloadSpec)] = WorkloadExample,
    };
}
