using Orleans;
using MicroSeg.Grains.Interfaces.Policies;

namespace MicroSeg.Grains.Interfaces.Simulations;

/// <summary>A what-if: recorded flows of a window replayed against today's active policies and against them with <paramref name="Policies"/> in force.</summary>
/// <param name="Policies">Policies as if provisioned: each replaces the active policy of its id, or is added.</param>
/// <param name="Namespace">Only flows with either end in this namespace; null for all.</param>
/// <param name="Since">Flows last seen at or after.</param>
/// <param name="Until">Flows first seen before.</param>
/// <param name="Examples">At most this many example flows per outcome.</param>
[GenerateSerializer, Immutable, Alias("microseg.SimulationRequest")]
public sealed record SimulationRequest(
    [property: Id(0)] IReadOnlyList<PolicySpec> Policies,
    [property: Id(1)] string? Namespace = null,
    [property: Id(2)] DateTimeOffset? Since = null,
    [property: Id(3)] DateTimeOffset? Until = null,
    [property: Id(4)] int Examples = 10);
