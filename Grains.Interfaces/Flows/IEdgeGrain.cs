using Orleans;

namespace MicroSeg.Grains.Interfaces.Flows;

/// <summary>
/// One edge of the traffic graph, keyed by <see cref="EdgeKeys.Of"/>: a source workload (or external address
/// block) to a destination workload (or block). Keeps counters, first/last seen, ports, verdicts and policies.
/// </summary>
[Alias("microseg.IEdgeGrain")]
public interface IEdgeGrain : IGrainWithStringKey
{
    /// <summary>Adds flows of this edge and tells the topology index the new summary.</summary>
    /// <param name="src">The source end as it is now (labels may have changed since the last flow).</param>
    /// <param name="dst">The destination end as it is now.</param>
    /// <param name="flows">The flows.</param>
    Task RecordAsync(EdgeEnd src, EdgeEnd dst, IReadOnlyList<FlowRecord> flows);

    /// <summary>The edge as it stands.</summary>
    Task<EdgeSummary> GetAsync();
}

/// <summary>An edge of the traffic graph.</summary>
/// <param name="Src">The source end.</param>
/// <param name="Dst">The destination end.</param>
/// <param name="FirstSeen">First flow.</param>
/// <param name="LastSeen">Last flow.</param>
/// <param name="Ports">Destination ports as "TCP/80", ordered.</param>
/// <param name="Verdicts">Connections per verdict word ("allow", "deny", "would-deny").</param>
/// <param name="Policies">Policies that decided flows of this edge, ordered.</param>
/// <param name="Connections">Every connection.</param>
/// <param name="Packets">Every packet.</param>
/// <param name="Bytes">Every byte counted.</param>
[GenerateSerializer, Immutable, Alias("microseg.EdgeSummary")]
public sealed record EdgeSummary(
    EdgeEnd Src,
    EdgeEnd Dst,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    IReadOnlyList<string> Ports,
    IReadOnlyDictionary<string, long> Verdicts,
    IReadOnlyList<string> Policies,
    long Connections,
    long Packets,
    long Bytes);

/// <summary>One end of an edge: a workload, or an external address block.</summary>
/// <param name="Id">The workload id, or the block ("198.18.9.0/24") for an address outside any workload.</param>
/// <param name="Namespace">The workload's namespace; null for a block.</param>
/// <param name="Labels">The workload's labels when last seen; empty for a block.</param>
[GenerateSerializer, Immutable, Alias("microseg.EdgeEnd")]
public sealed record EdgeEnd(string Id, string? Namespace, IReadOnlyDictionary<string, string> Labels)
{
    /// <summary>True for a workload, false for an external address block.</summary>
    public bool IsWorkload => Namespace is not null;
}

/// <summary>Builds edge grain keys in one place.</summary>
public static class EdgeKeys
{
    /// <summary>"src->dst".</summary>
    public static string Of(string src, string dst) => $"{src}->{dst}";
}
