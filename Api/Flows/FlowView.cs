using System.Text.Json.Serialization;
using MicroSeg.Grains.Interfaces.Flows;

namespace MicroSeg.Api.Flows;

/// <summary>A flow as GET /api/v1/flows shows it.</summary>
public sealed record FlowView(
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    string Node,
    FlowSourceView Src,
    FlowDestinationView Dst,
    string Protocol,
    string Verdict,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Policy,
    string Reason,
    long Connections,
    long Packets,
    long Bytes)
{
    internal static FlowView From(FlowRecord r) => new(r.FirstSeen, r.LastSeen, r.Node,
        new FlowSourceView(r.Src.Workload, r.Src.Namespace, r.Src.Address),
        new FlowDestinationView(r.Dst.Workload, r.Dst.Namespace, r.Dst.Address, r.Dst.Port ?? 0),
        r.Protocol, r.Verdict, r.Policy, r.Reason, r.Connections, r.Packets, r.Bytes);
}

/// <summary>The source of a flow; workload and namespace are null for an address outside any workload.</summary>
public sealed record FlowSourceView(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Workload,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Namespace,
    string Address);

/// <summary>The destination of a flow, with its port.</summary>
public sealed record FlowDestinationView(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Workload,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Namespace,
    string Address,
    int Port);

/// <summary>A page of flows, newest first; <see cref="Next"/> is the cursor of the next page, null on the last.</summary>
public sealed record FlowListView(
    IReadOnlyList<FlowView> Items,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Next);
