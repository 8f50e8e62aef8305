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
    /// Size of each conntrack map, ms_conntrack4 (IPv4 flows) and ms_conntrack6 (IPv6 flows): a node holds up to
    /// this many flows of each family. Default 1 Mi entries. Must match already pinned maps.
    /// </summary>
    public uint ConntrackMaxEntries { get; init; } = 1u << 20;

    /// <summary>Conntrack idle timeouts per TCP state and protocol (defaults in <see cref="Bpf.ConntrackTimeouts"/>).</summary>
    public ConntrackTimeouts ConntrackTimeouts { get; init; } = new();

    /// <summary>Flow-event rate limit per CPU (defaults in <see cref="Bpf.EventRateLimit"/>).</summary>
    public EventRateLimit EventRateLimit { get; init; } = new();
}
