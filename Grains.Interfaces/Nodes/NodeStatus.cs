using Orleans;

namespace MicroSeg.Grains.Interfaces.Nodes;

/// <summary>What an agent reports after applying a snapshot.</summary>
/// <param name="Epoch">Epoch of the applied snapshot.</param>
/// <param name="Revision">Revision applied.</param>
/// <param name="AttachedInterfaces">Devices whose tc hooks hold the agent's programs, as read back from the kernel.</param>
/// <param name="MissingInterfaces">Devices named by endpoints that do not exist on the node (yet).</param>
/// <param name="Error">Why applying failed, or null.</param>
/// <param name="RefusedInterfaces">Devices named by endpoints that the agent will not attach to, each with the reason
/// (an invalid name, or a device its configuration does not allow); null from agents that predate the field.</param>
/// <param name="Hold">
/// Set when the agent did not apply <paramref name="Revision"/> of <paramref name="Epoch"/> on purpose and keeps
/// its last applied state until an operator accepts; null otherwise.
/// </param>
/// <param name="Monitor">The node's would-deny counters (monitor mode), or null when not read.</param>
[GenerateSerializer, Immutable, Alias("microseg.NodeAck")]
public sealed record NodeAck(
    string Epoch,
    long Revision,
    IReadOnlyList<string> AttachedInterfaces,
    IReadOnlyList<string> MissingInterfaces,
    string? Error,
    IReadOnlyList<RefusedInterface>? RefusedInterfaces = null,
    ControlPlaneHold? Hold = null,
    MonitorCounts? Monitor = null);

/// <summary>A device the agent refused to attach to; its workload is not enforced until this is fixed.</summary>
/// <param name="Interface">The device name as the workload gives it.</param>
/// <param name="Reason">Why, and what to change.</param>
[GenerateSerializer, Immutable, Alias("microseg.RefusedInterface")]
public sealed record RefusedInterface(string Interface, string Reason);

/// <summary>A node as the control plane sees it.</summary>
/// <param name="Name">Node name.</param>
/// <param name="AgentConnected">An agent subscribed recently and answers.</param>
/// <param name="Revision">Desired revision.</param>
/// <param name="AppliedRevision">Revision the agent last acknowledged to this activation, or null.</param>
/// <param name="LastSeen">When the agent last subscribed or acknowledged.</param>
/// <param name="Endpoints">Local endpoints in the desired state.</param>
/// <param name="PolicyEntries">Policy entries in the desired state.</param>
/// <param name="LastAck">The agent's last report.</param>
/// <param name="Hold">
/// The alarm: the agent refuses the offered state (another cluster identity, or far emptier) and keeps enforcing
/// its last applied state until an operator accepts. Null when it is not holding.
/// </param>
/// <param name="WouldDeny">What monitor mode let through that protect mode would have dropped, per node and per rule.</param>
[GenerateSerializer, Immutable, Alias("microseg.NodeStatus")]
public sealed record NodeStatus(
    string Name,
    bool AgentConnected,
    long Revision,
    long? AppliedRevision,
    DateTimeOffset? LastSeen,
    int Endpoints,
    int PolicyEntries,
    NodeAck? LastAck,
    ControlPlaneHold? Hold = null,
    MonitorCounts? WouldDeny = null);
