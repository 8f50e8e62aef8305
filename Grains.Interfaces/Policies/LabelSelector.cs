namespace MicroSeg.Grains.Interfaces.Policies;

/// <summary>A Kubernetes-style label selector. Both parts must match; an empty selector matches everything.</summary>
public sealed record LabelSelector
{
    /// <summary>Labels that must be present with exactly these values.</summary>
    public IReadOnlyDictionary<string, string>? MatchLabels { get; init; }

    /// <summary>Set-based requirements (In, NotIn, Exists, DoesNotExist).</summary>
    public IReadOnlyList<LabelSelectorRequirement>? MatchExpressions { get; init; }
}

/// <summary>One set-based selector requirement.</summary>
public sealed record LabelSelectorRequirement
{
    /// <summary>The label key.</summary>
    public string Key { get; init; } = "";

    /// <summary>In, NotIn, Exists or DoesNotExist.</summary>
    public string Operator { get; init; } = "";

    /// <summary>Values for In and NotIn; must be empty for Exists and DoesNotExist.</summary>
    public IReadOnlyList<string>? Values { get; init; }
}
