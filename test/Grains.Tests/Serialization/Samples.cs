using MicroSeg.Grains.Interfaces;
using MicroSeg.Grains.Interfaces.Access;
using MicroSeg.Grains.Interfaces.Addresses;
using MicroSeg.Grains.Interfaces.Flows;
using MicroSeg.Grains.Interfaces.Audit;
using MicroSeg.Grains.Interfaces.Explain;
using MicroSeg.Grains.Interfaces.Identity;
using MicroSeg.Grains.Interfaces.Namespaces;
using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Provisions;
using MicroSeg.Grains.Interfaces.Recommendations;
using MicroSeg.Grains.Interfaces.Simulations;
using MicroSeg.Grains.Interfaces.Settings;
using MicroSeg.Grains.Interfaces.Validation;
using MicroSeg.Grains.Interfaces.Workloads;

namespace MicroSeg.Grains.Tests.Serialization;

/// <summary>
/// One fully populated instance of every message type, built the way callers build them (collection
/// expressions included: their compiler-made types must serialize too).
/// </summary>
internal static class Samples
{
    public static readonly WorkloadSpec Workload = new()
    {
        Id = "web-1",
        Node = "node-a",
        Interface = "veth-web1",
        Addresses = ["198.18.0.1", "fd00:198:18::1"],
        Labels = new Dictionary<string, string> { ["app"] = "web", ["env"] = "prod" },
        Namespace = "shop",
        Ports = new Dictionary<string, string> { ["http"] = "TCP/80" },
        Mode = EnforcementMode.Monitor,
    };

    public static readonly LabelSelector Selector = new()
    {
        MatchLabels = new Dictionary<string, string> { ["app"] = "db" },
        MatchExpressions = [new LabelSelectorRequirement { Key = "env", Operator = "In", Values = ["prod", "stage"] }],
    };

    public static readonly PolicySpec Policy = new()
    {
        Id = "db-from-web",
        Selector = Selector,
        Namespace = "shop",
        Ingress =
        [
            new PolicyRule
            {
                From = [new PolicyPeer { Selector = Selector, NamespaceSelector = new LabelSelector() }, new PolicyPeer { Cidr = "198.18.9.0/24", Except = ["198.18.9.128/25"] }],
                Ports = [new PolicyPort { Protocol = "TCP", Port = 5432, EndPort = 5440 }, new PolicyPort { Protocol = "UDP", Port = "dns" }],
            },
        ],
        Egress = [],
        Action = PolicyAction.Deny,
        Priority = 7,
        Draft = true,
        Origin = new KubernetesOrigin("shop", "db", "{}"),
    };

    private static readonly PolicyEntry Entry = new("web-1", TrafficDirection.Ingress, 300, 6, 80, PolicyAction.Allow, 12, "p/ingress/0", 90);
    private static readonly EndpointRule Endpoint = new("web-1", "veth-web1", 300, EnforcementMode.Protect, true, false, ["198.18.0.1"]);
    private static readonly NodeRules Rules = new("node-a", "epoch", 42, [Endpoint], [new IpCacheRule("198.18.0.1/32", 300)], [Entry],
        "5f0c9a1e-7d2b-4c43-9a8e-0b6f3c2d1e4f", "5f0c9a1e-7d2b-4c43-9a8e-0b6f3c2d1e4f/epoch");
    private static readonly ControlPlaneHold Hold = new("5f0c9a1e-7d2b-4c43-9a8e-0b6f3c2d1e4f/epoch", ControlPlaneHold.ClusterIdentityChanged,
        "0d9e4b7a-1c2f-4e8d-b3a6-5f7e9c1d2b3a", "5f0c9a1e-7d2b-4c43-9a8e-0b6f3c2d1e4f", 12, 0, 40, DateTimeOffset.UnixEpoch);
    private static readonly WouldDenyCount WouldDeny = new("p", "p/ingress/0", 12, "web-1", "veth-web1", TrafficDirection.Ingress, "policy-deny", 9);
    private static readonly MonitorCounts Monitor = new(11, [WouldDeny]);
    private static readonly NodeAck Ack = new("epoch", 42, ["veth-web1"], ["veth-gone"], "boom", [new RefusedInterface("eth0", "not a veth device")], Hold, Monitor);
    private static readonly WorkloadRecord Record = new(Workload, 300);

    private static readonly FlowSample FlowSampleOne = new("b", TrafficDirection.Ingress, "198.18.0.3", "198.18.0.2", 80, 6, FlowVerdict.Deny, 0, "default-deny", 42,
        DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddSeconds(3), 5, 15, 0);

    private static readonly FlowRecord Flow = new(41, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddSeconds(3), "node-a",
        new FlowEndpoint("c", "default", "198.18.0.3"), new FlowEndpoint("b", "default", "198.18.0.2", 80), "TCP", "deny", "b-accepts-a", "default-deny", 5, 15, 0);

    private static readonly EdgeSummary Edge = new(new EdgeEnd("c", "default", new Dictionary<string, string> { ["app"] = "c" }),
        new EdgeEnd("b", "default", new Dictionary<string, string> { ["app"] = "b" }), DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddSeconds(3),
        ["TCP/80"], new Dictionary<string, long> { ["deny"] = 5 }, ["b-accepts-a"], 5, 15, 0);

    private static readonly Recommendation Recommended = new("r-1", DateTimeOffset.UnixEpoch, "admin",
        new RecommendationRequest("shop", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddHours(1), ["app"]), [Policy],
        [new RuleExplanation("web", "ingress", 0, "shop/app=api", ["TCP/80"], ["api-1"], 3, 9, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddMinutes(5))],
        new RecommendationCoverage(10, 7, 1, 1, 1, 0, false, 2, 0, 1, 200_000), Recommendation.ProvisionedStatus, 3);

    private static readonly SimulatedFlow Simulated = new(Flow, "allow", "deny", "ingress of b: default-deny (b-accepts-a)");

    private static readonly DirectionVerdict Verdict =
        new("web-1", TrafficDirection.Egress, true, "policy-allow", "web/egress/1", "web", EnforcementMode.Protect, 300, WouldDeny: false);

    public static readonly IReadOnlyDictionary<string, object> Messages = new Dictionary<string, object>
    {
        ["WorkloadSpec"] = Workload,
        ["WorkloadRecord"] = Record,
        ["IndexSnapshot"] = new IndexSnapshot<WorkloadRecord>("v1", [Record]),
        ["IdentityInfo"] = new IdentityInfo(300, new Dictionary<string, string> { ["app"] = "web" }, ["web-1"]),
        ["IdentityHold"] = new IdentityHold("app=web", "web-1"),
        ["NamespaceSpec"] = new NamespaceSpec("shop", new Dictionary<string, string> { ["team"] = "a" }),
        ["EnforcementSettings"] = new EnforcementSettings
        {
            DefaultMode = EnforcementMode.Monitor,
            LabelGroups = [new LabelGroupMode { Selector = Selector, Namespace = "shop", Mode = EnforcementMode.Protect }],
        },
        ["LabelGroupMode"] = new LabelGroupMode { Selector = Selector, Mode = EnforcementMode.Monitor },
        ["ValidationError"] = new ValidationError("addresses[0]", "not an address"),
        ["PolicySpec"] = Policy,
        ["KubernetesOrigin"] = new KubernetesOrigin("shop", "db", "{\"kind\":\"NetworkPolicy\"}"),
        ["PolicyRule"] = Policy.Ingress![0],
        ["PolicyPeer"] = Policy.Ingress![0].From![1],
        ["PolicyPort"] = Policy.Ingress![0].Ports![1],
        ["PortRef"] = new PortRef(null, "http"),
        ["LabelSelector"] = Selector,
        ["LabelSelectorRequirement"] = Selector.MatchExpressions![0],
        ["PolicyChange"] = new PolicyChange(WorkloadBefore: Record, WorkloadAfter: Record, PolicyBefore: Policy, PolicyAfter: null, AllNodes: true),
        ["ClusterInputVersions"] = new ClusterInputVersions("w:7", "p:3", "n:1"),
        ["PolicyEntryKey"] = PolicyEntryKey.Of(Entry),
        ["NodeRulesDelta"] = new NodeRulesDelta("node-a", "epoch", 41, 42, [Endpoint], ["gone"], [new IpCacheRule("198.18.0.2/32", 301)], ["198.18.0.3/32"], [Entry], [PolicyEntryKey.Of(Entry)]),
        ["NodeRules"] = Rules,
        ["EndpointRule"] = Endpoint,
        ["IpCacheRule"] = new IpCacheRule("198.18.0.0/24", 0x0100_0001),
        ["PolicyEntry"] = Entry,
        ["NodeAck"] = Ack,
        ["RefusedInterface"] = Ack.RefusedInterfaces![0],
        ["PolicyBatchStatus"] = new PolicyBatchStatus(PolicyBatchPhase.Accepted, 20_000, Staged: false),
        ["NodeStatus"] = new NodeStatus("node-a", true, 42, 41, DateTimeOffset.UnixEpoch, 1, 1, Ack, Hold, Monitor),
        ["ControlPlaneHold"] = Hold,
        ["MonitorCounts"] = Monitor,
        ["WouldDenyCount"] = WouldDeny,
        ["AddressClaim"] = new AddressClaim("198.18.0.1/32", "web-1", 3, DateTimeOffset.UnixEpoch),
        ["FlowSample"] = FlowSampleOne,
        ["FlowBatch"] = new FlowBatch("node-a", 7, [FlowSampleOne], 3),
        ["FlowVerdict"] = FlowVerdict.WouldDeny,
        ["FlowRecord"] = Flow,
        ["FlowEndpoint"] = Flow.Dst,
        ["FlowQuery"] = new FlowQuery("a", "b", "shop", "deny", "b-accepts-a", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddHours(1), 50, 99, null),
        ["FlowPage"] = new FlowPage([Flow], 41),
        ["EdgeSummary"] = Edge,
        ["EdgeEnd"] = Edge.Src,
        ["TopologyLevel"] = TopologyLevel.App,
        ["TopologyView"] = new TopologyView([new TopologyNode("b", "app", new Dictionary<string, string> { ["app"] = "b" })],
            [new TopologyEdge("a", "b", ["TCP/80"], new Dictionary<string, long> { ["allow"] = 20, ["deny"] = 0, ["would-deny"] = 0 }, ["b-accepts-a"], DateTimeOffset.UnixEpoch)]),
        ["TopologyNode"] = new TopologyNode("198.18.9.0/24", "external", new Dictionary<string, string>()),
        ["TopologyEdge"] = new TopologyEdge("c", "b", ["TCP/80"], new Dictionary<string, long> { ["deny"] = 5 }, [], DateTimeOffset.UnixEpoch),
        ["ApiToken"] = new ApiToken("ci", ApiRole.Operator, DateTimeOffset.UnixEpoch, "admin"),
        ["AuditEntry"] = new AuditEntry(DateTimeOffset.UnixEpoch, "admin", "PUT /api/v1/policies/web", "policy", "web", null, "{\"id\":\"web\"}"),
        ["RecommendationRequest"] = Recommended.Request,
        ["Recommendation"] = Recommended,
        ["RuleExplanation"] = Recommended.Explanations[0],
        ["RecommendationCoverage"] = Recommended.Coverage,
        ["SimulationRequest"] = new SimulationRequest([Policy], "shop", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddHours(1), 5),
        ["SimulationResult"] = new SimulationResult(4, 2, 1, 1, 1, 0, false, [Simulated], [Simulated], 1),
        ["SimulatedFlow"] = Simulated,
        ["ProvisionVersion"] = new ProvisionVersion(3, DateTimeOffset.UnixEpoch, "admin", "recommendation/r-1", [new ProvisionedChange("web", null, Policy)], Applied: true),
        ["ProvisionedChange"] = new ProvisionedChange("web", Policy, null),
        ["ConnectionQuery"] = new ConnectionQuery("web-1", "198.18.0.1", null, "203.0.113.9", 6, 443),
        ["ConnectionVerdicts"] = new ConnectionVerdicts(Verdict, null),
        ["DirectionVerdict"] = new DirectionVerdict("db-1", TrafficDirection.Ingress, true, "policy-deny", "db/ingress/0", "db", EnforcementMode.Monitor, 2, WouldDeny: true),
    };

}
