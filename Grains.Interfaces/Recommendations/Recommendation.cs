using Orleans;
using MicroSeg.Grains.Interfaces.Policies;

namespace MicroSeg.Grains.Interfaces.Recommendations;

/// <summary>
/// Least-privilege policies proposed from observed flows. Its policies are drafts (<c>draft: true</c>): nothing
/// of a recommendation is enforced until it is provisioned.
/// </summary>
/// <param name="Id">The recommendation's id.</param>
/// <param name="CreatedAt">When it was computed.</param>
/// <param name="CreatedBy">Who asked for it.</param>
/// <param name="Request">What it learned from.</param>
/// <param name="Policies">One allow policy per workload group, as drafts.</param>
/// <param name="Explanations">One per rule: the flows that made it.</param>
/// <param name="Coverage">What of the window was used, and what was left out and why.</param>
/// <param name="Status">"draft" until provisioned, then "provisioned".</param>
/// <param name="ProvisionedVersion">The provision version that made it active, or null.</param>
[GenerateSerializer, Immutable, Alias("microseg.Recommendation")]
public sealed record Recommendation(
    [property: Id(0)] string Id,
    [property: Id(1)] DateTimeOffset CreatedAt,
    [property: Id(2)] string CreatedBy,
    [property: Id(3)] RecommendationRequest Request,
    [property: Id(4)] IReadOnlyList<PolicySpec> Policies,
    [property: Id(5)] IReadOnlyList<RuleExplanation> Explanations,
    [property: Id(6)] RecommendationCoverage Coverage,
    [property: Id(7)] string Status = Recommendation.DraftStatus,
    [property: Id(8)] long? ProvisionedVersion = null)
{
    /// <summary>Not enforced.</summary>
    public const string DraftStatus = "draft";

    /// <summary>Made active by a provision.</summary>
    public const string ProvisionedStatus = "provisioned";
}

/// <summary>Why a rule exists: the observed flows it admits.</summary>
/// <param name="Policy">The policy id.</param>
/// <param name="Direction">"ingress" or "egress".</param>
/// <param name="Rule">The rule's index in that direction's list.</param>
/// <param name="Peer">The peer, in words: <c>namespace/key=value</c> for a workload group, the address block for an outside address.</param>
/// <param name="Ports">The ports admitted, e.g. <c>TCP/80</c>.</param>
/// <param name="Workloads">The observed workloads on the peer side (empty for outside addresses).</param>
/// <param name="Flows">Flow records behind the rule.</param>
/// <param name="Connections">Connections those records counted.</param>
/// <param name="FirstSeen">Earliest observation.</param>
/// <param name="LastSeen">Latest observation.</param>
[GenerateSerializer, Immutable, Alias("microseg.RuleExplanation")]
public sealed record RuleExplanation(
    [property: Id(0)] string Policy,
    [property: Id(1)] string Direction,
    [property: Id(2)] int Rule,
    [property: Id(3)] string Peer,
    [property: Id(4)] IReadOnlyList<string> Ports,
    [property: Id(5)] IReadOnlyList<string> Workloads,
    [property: Id(6)] long Flows,
    [property: Id(7)] long Connections,
    [property: Id(8)] DateTimeOffset FirstSeen,
    [property: Id(9)] DateTimeOffset LastSeen);

/// <summary>How much of the learning window the recommendation covers.</summary>
/// <param name="Flows">Flow records read from the window.</param>
/// <param name="Used">Records that became (part of) a rule.</param>
/// <param name="Denied">Records left out because policy in protect mode dropped them (attempts are not evidence of need).</param>
/// <param name="UnknownWorkload">Records naming a workload that no longer exists.</param>
/// <param name="Unsupported">Records of a protocol a policy cannot name, or decided by something other than policy (e.g. a spoofed source).</param>
/// <param name="OutOfScope">Records whose ends are both outside the namespace asked for.</param>
/// <param name="Truncated">True when the window held more records than are read (<see cref="MaxFlows"/>): the oldest were left out.</param>
/// <param name="Groups">Workload groups given a policy.</param>
/// <param name="GroupsWithoutFlows">Of those, groups no used flow touched: isolated in both directions.</param>
/// <param name="Edges">Distinct peer → group (or group → outside address) pairs with their ports.</param>
/// <param name="MaxFlows">The most records one recommendation reads.</param>
[GenerateSerializer, Immutable, Alias("microseg.RecommendationCoverage")]
public sealed record RecommendationCoverage(
    [property: Id(0)] long Flows,
    [property: Id(1)] long Used,
    [property: Id(2)] long Denied,
    [property: Id(3)] long UnknownWorkload,
    [property: Id(4)] long Unsupported,
    [property: Id(5)] long OutOfScope,
    [property: Id(6)] bool Truncated,
    [property: Id(7)] int Groups,
    [property: Id(8)] int GroupsWithoutFlows,
    [property: Id(9)] int Edges,
    [property: Id(10)] int MaxFlows);
