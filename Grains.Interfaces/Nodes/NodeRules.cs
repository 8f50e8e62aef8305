using Orleans;
using System.Text.Json.Serialization;
using MicroSeg.Grains.Interfaces.Workloads;

namespace MicroSeg.Grains.Interfaces.Nodes;

/// <summary>
/// The complete desired data-plane state of one node at one revision. Level-triggered: an agent
/// that applies a snapshot ends up exactly in this state, whatever it had before.
/// </summary>
/// <param name="Node">The node name.</param>
/// <param name="Epoch">Identifies the node grain's state lineage; a new epoch resets revision ordering.</param>
/// <param name="Revision">Grows with every change of content.</param>
/// <param name="Endpoints">Local workloads to enforce on.</param>
/// <param name="IpCache">Address blocks and their identities.</param>
/// <param name="Policy">Policy entries per local workload.</param>
/// <param name="ClusterIdentity">
/// Identity of the store the state was computed from (a GUID created once with it); empty when the silo has
/// none. An agent refuses a state from another identity than the one it applied until an operator accepts it.
/// </param>
/// <param name="AcceptedHold">
/// The <see cref="ControlPlaneHold.Id"/> an operator accepted for this node, or null: an agent holding for
/// exactly that condition applies this state.
/// </param>
[GenerateSerializer, Immutable, Alias("microseg.NodeRules")]
public sealed record NodeRules(
    string Node,
    string Epoch,
    long Revision,
    IReadOnlyList<EndpointRule> Endpoints,
    IReadOnlyList<IpCacheRule> IpCache,
    IReadOnlyList<PolicyEntry> Policy,
    string ClusterIdentity = "",
    string? AcceptedHold = null);

/// <summary>A local workload the agent enforces on.</summary>
/// <param name="WorkloadId">The workload.</param>
/// <param name="Interface">Host-side device to attach to.</param>
/// <param name="Identity">The workload's identity.</param>
/// <param name="Mode">Protect or monitor.</param>
/// <param name="IngressIsolated">Default deny toward the workload.</param>
/// <param name="EgressIsolated">Default deny from the workload.</param>
/// <param name="Addresses">The workload's own addresses (anti-spoofing).</param>
[GenerateSerializer, Immutable, Alias("microseg.EndpointRule")]
public sealed record EndpointRule(
    string WorkloadId,
    string Interface,
    uint Identity,
    EnforcementMode Mode,
    bool IngressIsolated,
    bool EgressIsolated,
    IReadOnlyList<string> Addresses);

/// <summary>An address block (a /32 or /128 for workloads) and the identity it maps to.</summary>
/// <param name="Cidr">The block.</param>
/// <param name="Identity">Its identity.</param>
[GenerateSerializer, Immutable, Alias("microseg.IpCacheRule")]
public sealed record IpCacheRule(string Cidr, uint Identity);

/// <summary>Traffic direction relative to the workload.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TrafficDirection>))]
[GenerateSerializer, Alias("microseg.TrafficDirection")]
public enum TrafficDirection
{
    /// <summary>Toward the workload.</summary>
    [JsonStringEnumMemberName("ingress")]
    Ingress = 1,

    /// <summary>From the workload.</summary>
    [JsonStringEnumMemberName("egress")]
    Egress = 2,
}

/// <summary>
/// One data-plane policy entry: for a local workload and direction, traffic with a remote identity
/// (0 = any), protocol (0 = any) and port (0 = any) or port range is allowed or denied by the named rule.
/// </summary>
/// <param name="WorkloadId">Local workload.</param>
/// <param name="Direction">Ingress or egress.</param>
/// <param name="RemoteIdentity">Peer identity, 0 for any.</param>
/// <param name="Protocol">IP protocol number, 0 for any.</param>
/// <param name="Port">Destination port, 0 for any.</param>
/// <param name="Action">Allow or deny.</param>
/// <param name="RuleId">Numeric rule id carried into verdicts and flow events.</param>
/// <param name="Source">The rule that produced it: "policy-id/ingress/0".</param>
/// <param name="EndPort">
/// Last port of a range <see cref="Port"/>..<see cref="EndPort"/> (Kubernetes <c>endPort</c>); 0 when the
/// entry is one port (or any port). A range is one entry, whatever its width.
/// </param>
[GenerateSerializer, Immutable, Alias("microseg.PolicyEntry")]
public sealed record PolicyEntry(
    string WorkloadId,
    TrafficDirection Direction,
    uint RemoteIdentity,
    byte Protocol,
    ushort Port,
    Policies.PolicyAction Action,
    uint RuleId,
    string Source,
    ushort EndPort = 0);
