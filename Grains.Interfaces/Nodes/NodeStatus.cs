using Orleans;

namespace MicroSeg.Grains.Interfaces.Nodes;

/// <summary>What an agent reports after applying a snapshot.</summary>
/// <param name="Epoch">Epoch of the applied snapshot.</param>
/// <param name="Revision">Revision applied.</param>
/// <param name="AttachedInterfaces">Devices with programs attached.</param>
/// <param name="MissingInterfaces">Devices named by endpoints that do not exist on the node (yet).</param>
/// <param name="Error">Why applying failed, or null.</param>
[GenerateSerializer, Immutable, Alias("microseg.NodeAck")]
public sealed record NodeAck(
    string Epoch,
    long Revision,
    IReadOnlyList<string> AttachedInterfaces,
    IReadOnlyList<string> MissingInterfaces,
    string? Error);

/// <summary>A node as the control plane sees it.</summary>
/// <param name="Name">Node name.</param>
/// <param name="AgentConnected">An agent subscribed recently and answers.</param>
/// <param name="Revision">Desired revision.</param>
/// <param name="AppliedRevision">Revision the agent last acknowledged to this activation, or null.</param>
/// <param name="LastSeen">When the agent last subscribed or acknowledged.</param>
/// <param name="Endpoints">Local endpoints in the desired state.</param>
/// <param name="PolicyEntries">Policy entries in the desired state.</param>
/// <param name="LastAck">The agent's last report.</param>
[GenerateSerializer, Immutable, Alias("microseg.NodeStatus")]
public sealed record NodeStatus(
    string Name,
    bool AgentConnected,
    long Revision,
    long? AppliedRevision,
    DateTimeOffset? LastSeen,
    int Endpoints,
    int PolicyEntries,
    NodeAck? LastAck);
