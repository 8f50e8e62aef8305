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

    /// <summary>
    /// Flow-event rate limit per CPU (defaults in <see cref="Bpf.EventRateLimit"/>). Flow reports have a bucket of their own
    /// with the same rate and burst, so a flood of denied packets does not hold them back.
    /// </summary>
    public EventRateLimit EventRateLimit { get; init; } = new();

    /// <summary>
    /// How often an allowed, tracked flow reports the packets and bytes it carried (<see cref="FlowReport"/>, written at
    /// its first packet after the interval, checked at most once a second per flow, and when a TCP flow closes);
    /// <see cref="TimeSpan.Zero"/> for no reports. Default 5 s (the agent passes its flow interval).
    /// </summary>
    public TimeSpan FlowReportInterval { get; init; } = TimeSpan.FromSeconds(5);
}
