using MicroSeg.Grains.Interfaces.Policies;

namespace MicroSeg.Grains.Rules;

/// <summary>Kubernetes label-selector semantics: matchLabels and matchExpressions are ANDed; empty matches all.</summary>
internal static class LabelSelectorMatcher
{
    public static bool Matches(LabelSelector selector, IReadOnlyDictionary<string, string> labels)
    {
        if (selector.MatchLabels is { } matchLabels)
        {
            foreach (var (key, value) in matchLabels)
            {
                if (!labels.TryGetValue(key, out var actual) || actual != value)
                    return false;
            }
        }
        if (selector.MatchExpressions is { } expressions)
        {
            foreach (var requirement in expressions)
            {
                if (!Matches(requirement, labels))
                    return false;
            }
        }
        return true;
    }

    private static bool Matches(LabelSelectorRequirement requirement, IReadOnlyDictionary<string, string> labels)
    {
        var present = labels.TryGetValue(requirement.Key, out var value);
        var values = requirement.Values ?? [];
        return requirement.Operator switch
        {
            SelectorOperators.In => present && values.Contains(value!),
            SelectorOperators.NotIn => !present || !values.Contains(value!),
            SelectorOperators.Exists => present,
            SelectorOperators.DoesNotExist => !present,
            // Validation rejects unknown operators before they are stored; never match on one that slipped through.
            _ => false,
        };
    }
}
