using Orleans;

namespace MicroSeg.Grains.Interfaces.Explain;

/// <summary>A new connection to explain, its ends already resolved to addresses (and workloads where they are ones).</summary>
/// <param name="SourceWorkload">The workload opening the connection, or null when the source is no workload.</param>
/// <param name="SourceAddress">The address the connection comes from.</param>
/// <param name="DestinationWorkload">The workload receiving it, or null when the destination is no workload.</param>
/// <param name="DestinationAddress">The address the connection goes to.</param>
/// <param name="Protocol">IP protocol number (6 TCP, 17 UDP, 132 SCTP, 1 ICMP).</param>
/// <param name="Port">Destination port; 0 for protocols without ports.</param>
[GenerateSerializer, Immutable, Alias("microseg.ConnectionQuery")]
public sealed record ConnectionQuery(
    [property: Id(0)] string? SourceWorkload,
    [property: Id(1)] string SourceAddress,
    [property: Id(2)] string? DestinationWorkload,
    [property: Id(3)] string DestinationAddress,
    [property: Id(4)] byte Protocol,
    [property: Id(5)] ushort Port);

/// <summary>What each end's node rules decide about a connection.</summary>
/// <param name="Egress">The source workload's egress check; null when the source is not an enforced workload.</param>
/// <param name="Ingress">The destination workload's ingress check; null when the destination is not an enforced workload.</param>
[GenerateSerializer, Immutable, Alias("microseg.ConnectionVerdicts")]
public sealed record ConnectionVerdicts(
    [property: Id(0)] DirectionVerdict? Egress,
    [property: Id(1)] DirectionVerdict? Ingress);
