using Orleans;

namespace MicroSeg.Grains.Interfaces.Policies;

/// <summary>A Kubernetes-style label selector. Both parts must match; an empty selector matches everything.</summary>
[GenerateSerializer, Immutable, Alias("microseg.LabelSelector")]
public sealed record LabelSelector
{
    /// <summary>Labels that must be present with exactly these values.</summary>
    [Id(0)]
    public IReadOnlyDictionary<string, string>? MatchLabels { get; init; }

    /// <summary>Set-based requirements (In, NotIn, Exists, DoesNotExist).</summary>
    [Id(1)]
    public IReadOnlyList<LabelSelectorRequirement>? MatchExpressions { get; init; }
}

/// <summary>One set-based selector requirement.</summary>
[GenerateSerializer, Immutable, Alias("microseg.LabelSelectorRequirement")]
public sealed record LabelSelectorRequirement
{
    /// <summary>The label key.</summary>
    [Id(0)]
    public string Key { get; init; } = "";

    /// <summary>In, NotIn, Exists or DoesNotExist.</summary>
    [Id(1)]
    public string Operator { get; init; } = "";

    /// <summary>Values for In and NotIn; must be empty for Exists and DoesNotExist.</summary>
    [Id(2)]
    public IReadOnlyList<string>? Values { get; init; }
}
