using Orleans;

namespace MicroSeg.Grains.Interfaces.Flows;

/// <summary>The traffic graph's index (key <see cref="GrainKeys.Cluster"/>): every edge's summary, for graph queries.</summary>
[Alias("microseg.ITopologyIndexGrain")]
public interface ITopologyIndexGrain : IGrainWithStringKey
{
    /// <summary>Stores an edge's latest summary (sent by the edge grain).</summary>
    Task UpdateAsync(EdgeSummary edge);

    /// <summary>The graph at <paramref name="level"/>, from edges last seen at or after <paramref name="since"/>.</summary>
    /// <param name="level">Workload, app (grouped by <paramref name="groupLabel"/>) or namespace.</param>
    /// <param name="groupLabel">The label key that groups workloads at app level (default "app").</param>
    /// <param name="since">Edges last seen before are left out; null for all.</param>
    Task<TopologyView> GetAsync(TopologyLevel level, string groupLabel, DateTimeOffset? since);
}

/// <summary>How finely the graph groups workloads.</summary>
[GenerateSerializer, Alias("microseg.TopologyLevel")]
public enum TopologyLevel
{
    /// <summary>One node per workload.</summary>
    Workload = 1,

    /// <summary>One node per value of the app label (workloads without it stay themselves).</summary>
    App = 2,

    /// <summary>One node per namespace.</summary>
    Namespace = 3,
}

/// <summary>The traffic graph.</summary>
[GenerateSerializer, Immutable, Alias("microseg.TopologyView")]
public sealed record TopologyView(IReadOnlyList<TopologyNode> Nodes, IReadOnlyList<TopologyEdge> Edges);

/// <summary>A node of the graph.</summary>
/// <param name="Id">Workload id, app label value, namespace, or an external address block.</param>
/// <param name="Level">"workload", "app", "namespace", or "external" for an address block.</param>
/// <param name="Labels">The labels every member shares.</param>
[GenerateSerializer, Immutable, Alias("microseg.TopologyNode")]
public sealed record TopologyNode(string Id, string Level, IReadOnlyDictionary<string, string> Labels);

/// <summary>An edge of the graph.</summary>
/// <param name="Src">Source node id.</param>
/// <param name="Dst">Destination node id.</param>
/// <param name="Ports">Destination ports as "TCP/80".</param>
/// <param name="Verdicts">Connections per verdict: "allow", "deny", "would-deny" (all three present).</param>
/// <param name="Policies">Deciding policies.</param>
/// <param name="LastSeen">Last flow.</param>
[GenerateSerializer, Immutable, Alias("microseg.TopologyEdge")]
public sealed record TopologyEdge(
    string Src,
    string Dst,
    IReadOnlyList<string> Ports,
    IReadOnlyDictionary<string, long> Verdicts,
    IReadOnlyList<string> Policies,
    DateTimeOffset LastSeen);
