using Orleans;

namespace MicroSeg.Grains.Interfaces.Workloads;

/// <summary>
/// A workload as users register it: where it runs, its addresses and its labels.
/// </summary>
[GenerateSerializer, Immutable, Alias("microseg.WorkloadSpec")]
public sealed record WorkloadSpec
{
    /// <summary>Unique workload id (DNS-label-like).</summary>
    [Id(0)]
    public string Id { get; init; } = "";

    /// <summary>Name of the node whose agent enforces this workload's policy.</summary>
    [Id(1)]
    public string Node { get; init; } = "";

    /// <summary>Host-side network device (veth) to enforce on; null when the workload is only a policy peer.</summary>
    [Id(2)]
    public string? Interface { get; init; }

    /// <summary>The workload's own IPv4/IPv6 addresses.</summary>
    [Id(3)]
    public IReadOnlyList<string> Addresses { get; init; } = [];

    /// <summary>Labels, Kubernetes syntax.</summary>
    [Id(4)]
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Namespace; "default" when not given.</summary>
    [Id(5)]
    public string Namespace { get; init; } = "default";

    /// <summary>Named container ports, name to "PROTO/port" (e.g. "http": "TCP/80").</summary>
    [Id(6)]
    public IReadOnlyDictionary<string, string> Ports { get; init; } = new Dictionary<string, string>();

    /// <summary>Enforcement mode; when null the workload takes its label group's mode or the cluster default (protect).</summary>
    [Id(7)]
    public EnforcementMode? Mode { get; init; }
}
