namespace MicroSeg.NodeAgent.Interfaces;

/// <summary>A network device as rtnetlink describes it.</summary>
/// <param name="Index">Its ifindex (never reused for another device while the kernel runs).</param>
/// <param name="Name">IFLA_IFNAME.</param>
/// <param name="Kind">IFLA_INFO_KIND ("veth", "bridge", ...), or null for devices without one (physical NICs, loopback).</param>
internal sealed record LinkInfo(int Index, string Name, string? Kind);

/// <summary>One RTM_NEWLINK or RTM_DELLINK from the kernel.</summary>
internal readonly record struct LinkChange(bool Deleted, LinkInfo Link);
