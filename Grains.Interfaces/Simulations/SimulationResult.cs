using Orleans;
using MicroSeg.Grains.Interfaces.Flows;

namespace MicroSeg.Grains.Interfaces.Simulations;

/// <summary>What enforcing the simulated policies would do to the recorded flows, in protect mode.</summary>
/// <param name="Flows">Flow records replayed.</param>
/// <param name="Skipped">Records policy did not decide (e.g. IPv6 neighbour discovery, which the data plane always admits; spoofed sources), left out of the counts below.</param>
/// <param name="Allowed">Records the simulated policies would allow.</param>
/// <param name="Denied">Records they would deny.</param>
/// <param name="Changed">Records whose verdict differs from today's active policies (either way).</param>
/// <param name="NewlyDenied">Of the changed, allowed today and denied by the simulation: what enforcing would break.</param>
/// <param name="NewlyAllowed">Of the changed, denied today and allowed by the simulation.</param>
/// <param name="Truncated">True when the window held more records than were replayed (the oldest were left out).</param>
/// <param name="DeniedExamples">Examples of denied records.</param>
/// <param name="ChangedExamples">Examples of changed records.</param>
[GenerateSerializer, Immutable, Alias("microseg.SimulationResult")]
public sealed record SimulationResult(
    [property: Id(0)] long Flows,
    [property: Id(1)] long Allowed,
    [property: Id(2)] long Denied,
    [property: Id(3)] long Changed,
    [property: Id(4)] long NewlyDenied,
    [property: Id(5)] long NewlyAllowed,
    [property: Id(6)] bool Truncated,
    [property: Id(7)] IReadOnlyList<SimulatedFlow> DeniedExamples,
    [property: Id(8)] IReadOnlyList<SimulatedFlow> ChangedExamples,
    [property: Id(9)] long Skipped = 0);

/// <summary>One replayed flow record.</summary>
/// <param name="Flow">The record as history holds it (its recorded verdict included).</param>
/// <param name="Today">"allow" or "deny" under today's active policies, in protect mode.</param>
/// <param name="Simulated">"allow" or "deny" with the simulated policies.</param>
/// <param name="Decision">What decided the simulated verdict, e.g. <c>ingress of b: default-deny (rec.default.b)</c>.</param>
[GenerateSerializer, Immutable, Alias("microseg.SimulatedFlow")]
public sealed record SimulatedFlow(
    [property: Id(0)] FlowRecord Flow,
    [property: Id(1)] string Today,
    [property: Id(2)] string Simulated,
    [property: Id(3)] string Decision);
