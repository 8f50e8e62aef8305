using Orleans;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Workloads;

namespace MicroSeg.Grains.Interfaces.Nodes;

/// <summary>
/// A change that can alter nodes' rules, as published on the policy-change stream once the change is
/// persisted. The fan-out stage reads it to find the label groups (identities) and nodes it affects;
/// before and after together cover both the nodes that gain and the nodes that lose rules.
/// </summary>
/// <param name="WorkloadBefore">The workload before a workload change (null when it was created).</param>
/// <param name="WorkloadAfter">The workload after a workload change (null when it was deleted).</param>
/// <param name="PolicyBefore">The policy before a policy change (null when it was created).</param>
/// <param name="PolicyAfter">The policy after a policy change (null when it was deleted).</param>
/// <param name="AllNodes">A change that may touch every node (namespace labels, enforcement settings).</param>
/// <param name="WorkloadIndexVersion">
/// For a workload change, the workload index version that includes it: the fan-out may compute from any
/// snapshot at least that new, so a burst of writes shares one snapshot instead of reading one per write.
/// </param>
[GenerateSerializer, Immutable, Alias("microseg.PolicyChange")]
public sealed record PolicyChange(
    WorkloadRecord? WorkloadBefore = null,
    WorkloadRecord? WorkloadAfter = null,
    PolicySpec? PolicyBefore = null,
    PolicySpec? PolicyAfter = null,
    bool AllNodes = false,
    string? WorkloadIndexVersion = null);

/// <summary>
/// The fan-out stage of the policy-change stream, one per stream key: implicitly subscribed, it tells
/// the node grains a change affects to recompute. Has no methods of its own; events reach it by the stream.
/// </summary>
[Alias("microseg.IPolicyFanoutGrain")]
public interface IPolicyFanoutGrain : IGrainWithStringKey;
