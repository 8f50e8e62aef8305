using Orleans;
using System.Text.Json.Serialization;

namespace MicroSeg.Grains.Interfaces.Policies;

/// <summary>Whether a policy's rules admit or refuse the traffic they match.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PolicyAction>))]
[GenerateSerializer, Alias("microseg.PolicyAction")]
public enum PolicyAction
{
    /// <summary>Matched traffic is allowed; selected workloads become isolated for the directions listed.</summary>
    [JsonStringEnumMemberName("allow")]
    Allow = 0,

    /// <summary>Matched traffic is refused; deny beats allow.</summary>
    [JsonStringEnumMemberName("deny")]
    Deny = 1,
}

/// <summary>
/// A native MicroSeg policy. It selects workloads by labels; <see cref="Ingress"/> rules say who may
/// reach them and <see cref="Egress"/> rules whom they may reach. A list that is present, even empty,
/// isolates the selected workloads for that direction (default deny) when the action is allow.
/// </summary>
[GenerateSerializer, Immutable, Alias("microseg.PolicySpec")]
public sealed record PolicySpec
{
    /// <summary>Unique policy id.</summary>
    [Id(0)]
    public string Id { get; init; } = "";

    /// <summary>Which workloads the policy applies to.</summary>
    [Id(1)]
    public LabelSelector Selector { get; init; } = new();

    /// <summary>
    /// When set, the policy is namespaced as a Kubernetes NetworkPolicy is: it selects only workloads of
    /// this namespace, and a peer selector without a namespace selector means workloads of this namespace.
    /// When null (native policies by default) selectors span every namespace.
    /// </summary>
    [Id(2)]
    public string? Namespace { get; init; }

    /// <summary>Rules for traffic toward the selected workloads; null leaves ingress alone.</summary>
    [Id(3)]
    public IReadOnlyList<PolicyRule>? Ingress { get; init; }

    /// <summary>Rules for traffic from the selected workloads; null leaves egress alone.</summary>
    [Id(4)]
    public IReadOnlyList<PolicyRule>? Egress { get; init; }

    /// <summary>Allow (default) or deny.</summary>
    [Id(5)]
    public PolicyAction Action { get; init; } = PolicyAction.Allow;

    /// <summary>Ordering hint within a tier; lower first. Deny still beats allow.</summary>
    [Id(6)]
    public int Priority { get; init; }

    /// <summary>
    /// A draft is stored and validated but not enforced: write it, look at what it would do, then
    /// make it active by setting draft to false (Illumio's draft versus active policy).
    /// </summary>
    [Id(7)]
    public bool Draft { get; init; }

    /// <summary>Set when the policy was imported from a Kubernetes NetworkPolicy.</summary>
    [Id(8)]
    public KubernetesOrigin? Origin { get; init; }
}

/// <summary>Where an imported policy came from: the NetworkPolicy's namespace, name and document (JSON).</summary>
/// <param name="Namespace">metadata.namespace.</param>
/// <param name="Name">metadata.name.</param>
/// <param name="Document">The NetworkPolicy as applied, in JSON.</param>
[GenerateSerializer, Immutable, Alias("microseg.KubernetesOrigin")]
public sealed record KubernetesOrigin(string Namespace, string Name, string Document);

/// <summary>One rule: peers (from for ingress, to for egress) and ports; empty peers or ports mean any.</summary>
[GenerateSerializer, Immutable, Alias("microseg.PolicyRule")]
public sealed record PolicyRule
{
    /// <summary>Ingress peers; null or empty means any peer.</summary>
    [Id(0)]
    public IReadOnlyList<PolicyPeer>? From { get; init; }

    /// <summary>Egress peers; null or empty means any peer.</summary>
    [Id(1)]
    public IReadOnlyList<PolicyPeer>? To { get; init; }

    /// <summary>Ports; null or empty means every port and protocol.</summary>
    [Id(2)]
    public IReadOnlyList<PolicyPort>? Ports { get; init; }
}

/// <summary>
/// A peer: workloads chosen by labels and/or by their namespace's labels (both must match when
/// both are given, as a Kubernetes peer with podSelector and namespaceSelector), or an address block.
/// </summary>
[GenerateSerializer, Immutable, Alias("microseg.PolicyPeer")]
public sealed record PolicyPeer
{
    /// <summary>Workloads whose labels match; null with a namespace selector means every workload there.</summary>
    [Id(0)]
    public LabelSelector? Selector { get; init; }

    /// <summary>Namespaces whose labels match (every namespace has kubernetes.io/metadata.name).</summary>
    [Id(1)]
    public LabelSelector? NamespaceSelector { get; init; }

    /// <summary>An address block in CIDR notation.</summary>
    [Id(2)]
    public string? Cidr { get; init; }

    /// <summary>Blocks inside <see cref="Cidr"/> that the peer excludes.</summary>
    [Id(3)]
    public IReadOnlyList<string>? Except { get; init; }
}

/// <summary>A protocol and port (or port range).</summary>
[GenerateSerializer, Immutable, Alias("microseg.PolicyPort")]
public sealed record PolicyPort
{
    /// <summary>TCP (default), UDP, SCTP, ICMP or ICMPv6.</summary>
    [Id(0)]
    public string Protocol { get; init; } = "TCP";

    /// <summary>Port number or workload port name; null means every port of the protocol.</summary>
    [Id(1)]
    public PortRef? Port { get; init; }

    /// <summary>Last port of a range that starts at <see cref="Port"/>.</summary>
    [Id(2)]
    public int? EndPort { get; init; }
}
