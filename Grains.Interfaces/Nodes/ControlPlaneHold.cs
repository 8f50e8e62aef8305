using Orleans;

namespace MicroSeg.Grains.Interfaces.Nodes;

/// <summary>
/// An agent refuses to apply what the control plane offers and keeps enforcing what it applied last, until an
/// operator accepts (<c>POST /api/v1/nodes/{node}/accept</c> or <c>microseg-agent accept-control-plane</c>).
/// It holds when the offered state comes from another cluster identity (the store was lost or replaced), or
/// from a new lineage of the node (epoch) and would remove more than half of the applied entries.
/// </summary>
/// <param name="Id">Names this condition: the offered cluster identity and epoch ("identity/epoch"). Accepting it accepts that lineage.</param>
/// <param name="Reason"><see cref="ClusterIdentityChanged"/> or <see cref="StateShrank"/>.</param>
/// <param name="AppliedClusterIdentity">Cluster identity the kernel maps were programmed from; empty when the agent remembers none.</param>
/// <param name="OfferedClusterIdentity">Cluster identity of the offered state; empty when the control plane names none.</param>
/// <param name="AppliedEntries">Endpoints plus policy entries of the applied state.</param>
/// <param name="OfferedEntries">Endpoints plus policy entries of the offered state.</param>
/// <param name="AppliedRevision">Revision of the applied state (of its own epoch).</param>
/// <param name="Since">When the agent started holding.</param>
[GenerateSerializer, Immutable, Alias("microseg.ControlPlaneHold")]
public sealed record ControlPlaneHold(
    string Id,
    string Reason,
    string AppliedClusterIdentity,
    string OfferedClusterIdentity,
    long AppliedEntries,
    long OfferedEntries,
    long AppliedRevision,
    DateTimeOffset Since)
{
    /// <summary>The offered state comes from a store with another cluster identity.</summary>
    public const string ClusterIdentityChanged = "cluster-identity-changed";

    /// <summary>The offered state is a new lineage of the node and would remove more than half of the applied entries.</summary>
    public const string StateShrank = "state-shrank";
}
