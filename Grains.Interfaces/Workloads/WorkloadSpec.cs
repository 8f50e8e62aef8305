namespace MicroSeg.Grains.Interfaces.Workloads;

/// <summary>
/// A workload as users register it: where it runs, its addresses and its labels.
/// </summary>
public sealed record WorkloadSpec
{
    /// <summary>Unique workload id (DNS-label-like).</summary>
    public string Id { get; init; } = "";

    /// <summary>Name of the node whose agent enforces this workload's policy.</summary>
    public string Node { get; init; } = "";

    /// <summary>Host-side network device (veth) to enforce on; null when the workload is only a policy peer.</summary>
    public string? Interface { get; init; }

    /// <summary>The workload's own IPv4/IPv6 addresses.</summary>
    public IReadOnlyList<string> Addresses { get; init; } = [];

    /// <summary>Labels, Kubernetes syntax.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Namespace; "default" when not given.</summary>
    public string Namespace { get; init; } = "default";

    /// <summary>Named container ports, name to "PROTO/port" (e.g. "http": "TCP/80").</summary>
    public IReadOnlyDictionary<string, string> Ports { get; init; } = new Dictionary<string, string>();

    /// <summary>Enforcement mode; when null the workload takes its label group's mode or the cluster default (protect).</summary>
    public EnforcementMode? Mode { get; init; }
}
