using Orleans;

namespace MicroSeg.Grains.Interfaces.Recommendations;

/// <summary>What a recommendation learns from: recorded flows in a time window, optionally one namespace.</summary>
/// <param name="Namespace">Only workloads of this namespace get policies (flows with either end in it are read); null for every namespace.</param>
/// <param name="Since">Flows last seen at or after this time; null from the oldest kept.</param>
/// <param name="Until">Flows first seen before this time; null up to now.</param>
/// <param name="LabelKeys">
/// The label keys that group workloads: workloads sharing their values in one namespace get one policy. When null, each
/// workload is grouped by the first of <c>app</c>, <c>app.kubernetes.io/name</c>, <c>k8s-app</c>, <c>name</c> it has
/// (so <c>app</c> wherever it is set), or by all its labels when it has none of them.
/// </param>
[GenerateSerializer, Immutable, Alias("microseg.RecommendationRequest")]
public sealed record RecommendationRequest(
    [property: Id(0)] string? Namespace = null,
    [property: Id(1)] DateTimeOffset? Since = null,
    [property: Id(2)] DateTimeOffset? Until = null,
    [property: Id(3)] IReadOnlyList<string>? LabelKeys = null);
