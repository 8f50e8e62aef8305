namespace MicroSeg.Bpf;

/// <summary>How to load the data plane.</summary>
public sealed class DatapathOptions
{
    /// <summary>Path of the compiled object (out/bpf/microseg.bpf.o).</summary>
    public required string ObjectPath { get; init; }

    /// <summary>
    /// bpffs directory the maps are pinned in, one per node, e.g. /sys/fs/bpf/microseg/node-a.
    /// Existing pins there are reused, so state survives agent restarts.
    /// </summary>
    public required string PinDirectory { get; init; }

    /// <summary>
    /// Size of ms_conntrack4, the IPv4 flows a node holds, and of ms_conntrack6 unless
    /// <see cref="ConntrackIPv6MaxEntries"/> is set. Default 1 Mi entries. Must match already pinned maps.
    /// </summary>
    public uint ConntrackMaxEntries { get; init; } = 1u << 20;

    /// <summary>
    /// Size of ms_conntrack6, the IPv6 flows a node holds; null sizes it as <see cref="ConntrackMaxEntries"/>.
    /// Each map is preallocated kernel memory, so a node with little IPv6 traffic can keep this one small.
    /// Must match already pinned maps.
    /// </summary>
    public uint? ConntrackIPv6MaxEntries { get; init; }

    /// <summary>Conntrack idle timeouts per TCP state and protocol (defaults in <see cref="Bpf.ConntrackTimeouts"/>).</summary>
    public ConntrackTimeouts ConntrackTimeouts { get; init; } = new();

    /// <summary>Flow-event rate limit per CPU (defaults in <see cref="Bpf.EventRateLimit"/>).</summary>
    public EventRateLimit EventRateLimit { get; init; } = new();
}
