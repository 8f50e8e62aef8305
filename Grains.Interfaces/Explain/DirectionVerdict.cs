using Orleans;
using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Interfaces.Workloads;

namespace MicroSeg.Grains.Interfaces.Explain;

/// <summary>What one workload's node rules decide for one direction.</summary>
/// <param name="Workload">The workload enforcing.</param>
/// <param name="Direction">ingress (toward it) or egress (from it).</param>
/// <param name="Allowed">Whether the packet passes (a monitor-mode workload passes everything).</param>
/// <param name="Reason">policy-allow, policy-deny, default-deny (isolated, nothing allows it) or default-allow (not isolated).</param>
/// <param name="Rule">The deciding rule, "policy-id/ingress/0", or null for defaults.</param>
/// <param name="Policy">The deciding policy's id, or null.</param>
/// <param name="Mode">The workload's effective enforcement mode.</param>
/// <param name="RemoteIdentity">The identity the node gives the peer (2 = world).</param>
/// <param name="WouldDeny">True when monitor mode let through what protect mode would drop.</param>
[GenerateSerializer, Immutable, Alias("microseg.DirectionVerdict")]
public sealed record DirectionVerdict(
    [property: Id(0)] string Workload,
    [property: Id(1)] TrafficDirection Direction,
    [property: Id(2)] bool Allowed,
    [property: Id(3)] string Reason,
    [property: Id(4)] string? Rule,
    [property: Id(5)] string? Policy,
    [property: Id(6)] EnforcementMode Mode,
    [property: Id(7)] uint RemoteIdentity,
    [property: Id(8)] bool WouldDeny);
