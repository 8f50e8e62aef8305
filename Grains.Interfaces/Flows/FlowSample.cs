using Orleans;
using MicroSeg.Grains.Interfaces.Nodes;

namespace MicroSeg.Grains.Interfaces.Flows;

/// <summary>
/// What an agent saw of one flow key during one aggregation interval, as the data plane reported it:
/// addresses, the local workload whose program decided, the verdict, the rule id (node-local) and the
/// data-plane reason. The control plane names the workloads and the deciding policy.
/// </summary>
/// <param name="Workload">The local workload whose program saw the flow.</param>
/// <param name="Direction">Ingress: the workload is the destination; egress: it is the source.</param>
/// <param name="Source">Source address.</param>
/// <param name="Destination">Destination address.</param>
/// <param name="Port">Destination port (0 for protocols without ports).</param>
/// <param name="Protocol">IP protocol number.</param>
/// <param name="Verdict">What the data plane did.</param>
/// <param name="RuleId">The deciding rule's node-local id; 0 when no rule decided.</param>
/// <param name="Reason">The data plane's reason, e.g. "policy-allow", "default-deny", "default-allow".</param>
/// <param name="PolicyRevision">The node revision the data plane enforced when it decided.</param>
/// <param name="FirstSeen">First event of the interval.</param>
/// <param name="LastSeen">Last event of the interval.</param>
/// <param name="Connections">Distinct connections (source address and port) first seen in the interval.</param>
/// <param name="Packets">Packets the flow events stand for.</param>
/// <param name="Bytes">Bytes, where conntrack counted them; 0 otherwise.</param>
[GenerateSerializer, Immutable, Alias("microseg.FlowSample")]
public sealed record FlowSample(
    string Workload,
    TrafficDirection Direction,
    string Source,
    string Destination,
    ushort Port,
    byte Protocol,
    FlowVerdict Verdict,
    uint RuleId,
    string Reason,
    long PolicyRevision,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    long Connections,
    long Packets,
    long Bytes);

/// <summary>One agent's report of one or more aggregation intervals.</summary>
/// <param name="Node">The reporting node.</param>
/// <param name="Sequence">Grows with every batch the agent process makes (a resend repeats it).</param>
/// <param name="Samples">The aggregated flows.</param>
/// <param name="DroppedSamples">Samples the agent dropped since it started because its buffer was full.</param>
[GenerateSerializer, Immutable, Alias("microseg.FlowBatch")]
public sealed record FlowBatch(
    string Node,
    long Sequence,
    IReadOnlyList<FlowSample> Samples,
    long DroppedSamples);
