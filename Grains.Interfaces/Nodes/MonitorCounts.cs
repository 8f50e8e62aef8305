using Orleans;

namespace MicroSeg.Grains.Interfaces.Nodes;

/// <summary>
/// What monitor mode let through that protect mode would have dropped, as counted by the node's data plane
/// since its maps were created (counters survive agent restarts).
/// </summary>
/// <param name="WouldDenyPackets">Every would-deny packet of the node.</param>
/// <param name="ByRule">The same packets per local workload, direction, deciding rule and reason.</param>
[GenerateSerializer, Immutable, Alias("microseg.MonitorCounts")]
public sealed record MonitorCounts(long WouldDenyPackets, IReadOnlyList<WouldDenyCount> ByRule);

/// <summary>Would-deny packets of one workload and direction, by the rule that would have dropped them.</summary>
/// <param name="Policy">The policy of the deciding rule; null when no rule decided (default deny of an isolated direction, a spoofed source).</param>
/// <param name="Rule">The deciding rule as "policy-id/direction/index", or null as for <paramref name="Policy"/>.</param>
/// <param name="RuleId">Numeric rule id in the data plane, 0 for none.</param>
/// <param name="WorkloadId">The local workload; null when its interface is no longer an endpoint.</param>
/// <param name="Interface">Its host-side interface, or "ifindex N" when unknown.</param>
/// <param name="Direction">Ingress or egress.</param>
/// <param name="Reason">Why it would have been dropped: "policy-deny", "default-deny", "spoofed", ...</param>
/// <param name="Packets">Packets counted.</param>
[GenerateSerializer, Immutable, Alias("microseg.WouldDenyCount")]
public sealed record WouldDenyCount(
    string? Policy,
    string? Rule,
    uint RuleId,
    string? WorkloadId,
    string Interface,
    TrafficDirection Direction,
    string Reason,
    long Packets);
