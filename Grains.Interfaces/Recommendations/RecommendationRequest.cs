using Orleans;

namespace MicroSeg.Grains.Interfaces.Recommendations;

/// <summary>What a recommendation learns from: recorded flows in a time window, optionally one namespace.</summary>
/// <param name="Namespace">Only workloads of this namespace get policies (flows with either end in it are read); null for every namespace.</param>
/// <param name="Since">Flows last seen at or after this time; null from the oldest kept.</param>
/// <param name="Until">Flows first seen before this time; null up to now.</param>
/// <param name="LabelKeys">The label keys that group workloads (default <c>app</c>); workloads sharing their values in one namespace get one policy.</param>
[GenerateSerializer, Immutable, Alias("microseg.RecommendationRequest")]
public sealed record RecommendationRequest(
    [property: Id(0)] string? Namespace = null,
    [property: Id(1)] DateTimeOffset? Since = null,
    [property: Id(2)] DateTimeOffset? Until = null,
    [property: Id(3)] IReadOnlyList<string>? LabelKeys = null)
{
    /// <summary>The grouping keys used when none are given.</summary>
    public static readonly IReadOnlyList<string> DefaultLabelKeys = ["app"];
}
