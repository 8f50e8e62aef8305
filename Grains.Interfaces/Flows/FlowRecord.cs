using Orleans;

namespace MicroSeg.Grains.Interfaces.Flows;

/// <summary>
/// One aggregated flow as the API returns it and history keeps it: who talked to whom, what decided it, how much.
/// </summary>
/// <param name="Id">Position in the flow history (grows with every record written); 0 before it is stored.</param>
/// <param name="FirstSeen">First packet of the interval.</param>
/// <param name="LastSeen">Last packet of the interval.</param>
/// <param name="Node">The node whose data plane reported it.</param>
/// <param name="Src">The source.</param>
/// <param name="Dst">The destination, with its port.</param>
/// <param name="Protocol">"TCP", "UDP", "ICMP", ... or the protocol number.</param>
/// <param name="Verdict">"allow", "deny" or "would-deny".</param>
/// <param name="Policy">The deciding policy: the rule's policy, or for default-deny the policy whose selection isolated the workload; null for no-policy.</param>
/// <param name="Reason">"rule", "default-deny", "no-policy", or the data plane's reason for anything else (e.g. "spoofed").</param>
/// <param name="Connections">Connections counted.</param>
/// <param name="Packets">Packets counted.</param>
/// <param name="Bytes">Bytes counted (0 where the data plane did not count them).</param>
[GenerateSerializer, Immutable, Alias("microseg.FlowRecord")]
public sealed record FlowRecord(
    long Id,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    string Node,
    FlowEndpoint Src,
    FlowEndpoint Dst,
    string Protocol,
    string Verdict,
    string? Policy,
    string Reason,
    long Connections,
    long Packets,
    long Bytes);

/// <summary>One end of a flow.</summary>
/// <param name="Workload">The workload owning <paramref name="Address"/>; null for an address outside any workload.</param>
/// <param name="Namespace">The workload's namespace; null with no workload.</param>
/// <param name="Address">The address.</param>
/// <param name="Port">The destination port; null on the source side.</param>
[GenerateSerializer, Immutable, Alias("microseg.FlowEndpoint")]
public sealed record FlowEndpoint(string? Workload, string? Namespace, string Address, int? Port = null);
