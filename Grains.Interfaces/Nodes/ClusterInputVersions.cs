using Orleans;

namespace MicroSeg.Grains.Interfaces.Nodes;

/// <summary>
/// The versions of the cluster indexes a change was computed against: a node told to recompute with them may
/// use any snapshot at least that new, so the node grains of one fan-out reuse the snapshot the fan-out read
/// instead of each reading the cluster again. Versions are opaque strings handed out by the index grains.
/// </summary>
/// <param name="Workloads">Workload index version.</param>
/// <param name="Policies">Policy index version.</param>
/// <param name="Namespaces">Namespace index version.</param>
[GenerateSerializer, Immutable, Alias("microseg.ClusterInputVersions")]
public sealed record ClusterInputVersions(string Workloads, string Policies, string Namespaces);
