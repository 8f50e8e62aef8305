using MicroSeg.Hosting;

namespace MicroSeg.NodeAgent.Hosting;

/// <summary>Settings of one node agent.</summary>
internal sealed record AgentOptions
{
    /// <summary>Node name this agent enforces for.</summary>
    public string Node { get; init; } = "";

    /// <summary>Gateways as HOST:PORT (an IP address, [IPv6], or a DNS name standing for all its addresses).</summary>
    public IReadOnlyList<string> Gateways { get; init; } = [];

    /// <summary>How often gateway names are resolved again, so the agent follows silos that move (a Kubernetes Service, DNS round-robin). Default 10 s.</summary>
    public TimeSpan GatewayRefresh { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The compiled BPF object. Default: ../bpf/microseg.bpf.o beside the binary's folder (out/bpf).</summary>
    public string BpfObject { get; init; } = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "bpf", "microseg.bpf.o"));

    /// <summary>Root of the pinned maps; the node's maps live in a sub-folder named after the node. Default /sys/fs/bpf/microseg.</summary>
    public string PinRoot { get; init; } = "/sys/fs/bpf/microseg";

    /// <summary>The smallest conntrack map either family may be given.</summary>
    public const uint MinConntrackEntries = 1024;

    /// <summary>IPv4 conntrack size: the flows ms_conntrack4 holds. Default 1,048,576.</summary>
    public uint ConntrackEntries { get; init; } = 1u << 20;

    /// <summary>
    /// IPv6 conntrack size as given (<c>--conntrack-entries-ipv6</c>); null for the default, see <see cref="ConntrackIPv6Capacity"/>.
    /// </summary>
    public uint? ConntrackEntriesIPv6 { get; init; }

    /// <summary>
    /// The flows ms_conntrack6 holds: <see cref="ConntrackEntriesIPv6"/>, or by default a quarter of
    /// <see cref="ConntrackEntries"/> (262,144 for the default) but at least <see cref="MinConntrackEntries"/>.
    /// Most clusters carry little IPv6 traffic, and each map is preallocated in kernel memory, so the IPv6 table
    /// is smaller unless an IPv6-heavy node asks for more.
    /// </summary>
    public uint ConntrackIPv6Capacity => ConntrackEntriesIPv6 ?? Math.Max(MinConntrackEntries, ConntrackEntries / 4);

    /// <summary>How often the agent re-subscribes (heartbeat, and repair of anything lost). Default 5 s.</summary>
    public TimeSpan ResubscribePeriod { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Globs ('*', '?') of device names the agent may attach to besides veth devices, which it always
    /// may. Default none: a workload naming any other device (the uplink, a bridge) is refused.
    /// </summary>
    public IReadOnlyList<string> Interfaces { get; init; } = [];

    /// <summary>
    /// How often the kernel's tc hooks are read back to check they still hold our programs, when
    /// nothing else caused a pass (link changes do, at once). Default 2 s.
    /// </summary>
    public TimeSpan AttachCheckPeriod { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How often interfaces that were missing are looked for again. Default 2 s.</summary>
    public TimeSpan MissingInterfaceRetry { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How often the agent checks (at a constant cost) whether the conntrack table needs a collection pass; a pass runs only when it may be half full or after addresses were taken away. Default 10 s.</summary>
    public TimeSpan ConntrackCollectPeriod { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>HOST:PORT to serve Prometheus metrics on (<c>GET /metrics</c>); null or empty for none. Default 127.0.0.1:9464.</summary>
    public string? Metrics { get; init; } = "127.0.0.1:9464";

    /// <summary>How long flow events are summed before the sums go to the control plane. Default 5 s.</summary>
    public TimeSpan FlowInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Flow events each CPU's data plane may emit per second (a token bucket with twice this burst); further events are
    /// counted as suppressed, verdicts unchanged. 0 = no limit. Default 50,000: a connection between two workloads of
    /// one node costs two events, both on the sender's CPU, so one busy client is accounted for up to ≈ 25,000 new
    /// connections/s; the cap keeps a flood of denied packets (an event each) from taking the agent's whole core.
    /// </summary>
    public uint FlowEventsPerSecond { get; init; } = 50_000;

    /// <summary>Most distinct flow keys summed in one interval; events of further keys are counted, not reported. Default 100,000.</summary>
    public int FlowMaxKeys { get; init; } = 100_000;

    /// <summary>Most flow samples waiting for a slow or unreachable control plane; the oldest beyond are dropped and counted. Default 200,000.</summary>
    public int FlowBufferSamples { get; init; } = 200_000;

    /// <summary>Directory of ca.crt, agent.crt and agent.key (microseg-silo certs); null with <see cref="NoTls"/>. Default /etc/microseg/tls.</summary>
    public string? TlsDirectory { get; init; } = "/etc/microseg/tls";

    /// <summary>When true, gateways are reached in plain text without a certificate (a silo run with --no-tls). Default false.</summary>
    public bool NoTls { get; init; }

    /// <summary>The loaded certificate (from <see cref="TlsDirectory"/>); null for a plain-text agent.</summary>
    public Security.AgentTls? Tls { get; init; }
    /// <summary>Console log format: "simple" (default) or "json" (one object per line, for collectors).</summary>
    public string LogFormat { get; init; } = ConsoleLogFormat.Simple;

    public string PinDirectory => Path.Combine(PinRoot, Node);
}
