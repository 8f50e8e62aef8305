using MicroSeg.Grains.Interfaces.Explain;

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
