using System.Text.Json;
using System.Text.Json.Serialization;
using MicroSeg.Grains.Interfaces.Policies;

namespace MicroSeg.Grains.Interfaces.Kubernetes;

/// <summary>A Kubernetes networking.k8s.io/v1 NetworkPolicy, as applied with kubectl.</summary>
public sealed record NetworkPolicyDocument
{
    /// <summary>Must be networking.k8s.io/v1.</summary>
    public string? ApiVersion { get; init; }

    /// <summary>Must be NetworkPolicy.</summary>
    public string? Kind { get; init; }

    /// <summary>Name and namespace (other metadata is kept but not used).</summary>
    public ObjectMetadata? Metadata { get; init; }

    /// <summary>The policy.</summary>
    public NetworkPolicySpecDocument? Spec { get; init; }

    /// <summary>Ignored, as the API server ignores status on apply.</summary>
    public JsonElement? Status { get; init; }
}

/// <summary>The metadata fields MicroSeg reads; the rest (labels, annotations, uid...) is carried along.</summary>
public sealed record ObjectMetadata
{
    /// <summary>metadata.name.</summary>
    public string? Name { get; init; }

    /// <summary>metadata.namespace; "default" when absent, as kubectl applies it.</summary>
    public string? Namespace { get; init; }

    /// <summary>Any other metadata field.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Other { get; init; }
}

/// <summary>NetworkPolicySpec.</summary>
public sealed record NetworkPolicySpecDocument
{
    /// <summary>Pods of the policy's namespace it applies to; {} selects all.</summary>
    public LabelSelector? PodSelector { get; init; }

    /// <summary>Ingress, Egress or both; defaulted from the rules when absent.</summary>
    public IReadOnlyList<string>? PolicyTypes { get; init; }

    /// <summary>Ingress rules.</summary>
    public IReadOnlyList<NetworkPolicyRuleDocument>? Ingress { get; init; }

    /// <summary>Egress rules.</summary>
    public IReadOnlyList<NetworkPolicyRuleDocument>? Egress { get; init; }
}

/// <summary>An ingress rule (from, ports) or an egress rule (to, ports).</summary>
public sealed record NetworkPolicyRuleDocument
{
    /// <summary>Ingress peers.</summary>
    public IReadOnlyList<NetworkPolicyPeerDocument>? From { get; init; }

    /// <summary>Egress peers.</summary>
    public IReadOnlyList<NetworkPolicyPeerDocument>? To { get; init; }

    /// <summary>Ports.</summary>
    public IReadOnlyList<NetworkPolicyPortDocument>? Ports { get; init; }
}

/// <summary>NetworkPolicyPeer: podSelector and/or namespaceSelector, or ipBlock.</summary>
public sealed record NetworkPolicyPeerDocument
{
    /// <summary>Pods by label.</summary>
    public LabelSelector? PodSelector { get; init; }

    /// <summary>Namespaces by label.</summary>
    public LabelSelector? NamespaceSelector { get; init; }

    /// <summary>An address block.</summary>
    public IpBlockDocument? IpBlock { get; init; }
}

/// <summary>IPBlock.</summary>
public sealed record IpBlockDocument
{
    /// <summary>The block.</summary>
    public string? Cidr { get; init; }

    /// <summary>Blocks excluded from it.</summary>
    public IReadOnlyList<string>? Except { get; init; }
}

/// <summary>NetworkPolicyPort.</summary>
public sealed record NetworkPolicyPortDocument
{
    /// <summary>TCP (default), UDP or SCTP.</summary>
    public string? Protocol { get; init; }

    /// <summary>Number or named port.</summary>
    public PortRef? Port { get; init; }

    /// <summary>End of a port range.</summary>
    public int? EndPort { get; init; }
}
