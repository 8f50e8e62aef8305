using Orleans;

namespace MicroSeg.Grains.Interfaces.Access;

/// <summary>What an API token may do. Each role includes the ones before it.</summary>
[GenerateSerializer, Alias("microseg.ApiRole")]
public enum ApiRole
{
    /// <summary>Reads everything.</summary>
    Viewer = 0,

    /// <summary>Viewer, and changes workloads, namespaces (labels) and drafts.</summary>
    Operator = 1,

    /// <summary>Operator, and changes policies, NetworkPolicies, provisioning, enforcement settings, tokens; reads the audit log.</summary>
    Admin = 2,
}
