using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Interfaces.Workloads;

namespace MicroSeg.Api.Explain;

/// <summary>The answer of GET /api/v1/why: the verdict for a new connection and what decided it on each side.</summary>
/// <param name="Verdict">"allowed" or "denied".</param>
/// <param name="Summary">One sentence: the verdict, the side that decided it and the deciding policy rule.</param>
/// <param name="Source">The source as given and the workload it resolved to, if any.</param>
/// <param name="Destination">The destination as given and the workload it resolved to, if any.</param>
/// <param name="Protocol">"TCP", "UDP", "SCTP" or "ICMP".</param>
/// <param name="Port">Destination port (0 for protocols without ports).</param>
/// <param name="Egress">The source workload's egress check; null when the source is not a workload.</param>
/// <param name="Ingress">The destination workload's ingress check; null when the destination is not a workload.</param>
public sealed record WhyAnswer(
    string Verdict, string Summary, WhyPeer Source, WhyPeer Destination, string Protocol, int Port, DirectionVerdict? Egress, DirectionVerdict? Ingress);

/// <summary>One end of the connection.</summary>
/// <param name="Address">Its address.</param>
/// <param name="Workload">The workload holding the address, or null (outside MicroSeg: world or a CIDR peer).</param>
/// <param name="Node">The workload's node, or null.</param>
public sealed record WhyPeer(string Address, string? Workload, string? Node);

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
public sealed record DirectionVerdict(
    string Workload, TrafficDirection Direction, bool Allowed, string Reason, string? Rule, string? Policy, EnforcementMode Mode, uint RemoteIdentity, bool WouldDeny);
