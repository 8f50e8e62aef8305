using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Workloads;

namespace MicroSeg.Grains.Recommendations;

/// <summary>
/// Workloads of one namespace that share the values of the grouping label keys (a missing key is its own value,
/// selected with <c>DoesNotExist</c>): what one recommended policy selects, and what a peer selector names.
/// </summary>
internal sealed record WorkloadGroup(string Namespace, IReadOnlyList<string> Keys, IReadOnlyList<string?> Values) : IComparable<WorkloadGroup>
{
    public static WorkloadGroup Of(WorkloadSpec workload, IReadOnlyList<string> keys) =>
        new(workload.Namespace, keys, keys.Select(k => workload.Labels.TryGetValue(k, out var v) ? v : null).ToList());

    /// <summary>Selects exactly this group's workloads within its namespace.</summary>
    public LabelSelector Selector()
    {
        var present = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var absent = new List<LabelSelectorRequirement>();
        for (var i = 0; i < Keys.Count; i++)
        {
            if (Values[i] is { } value)
                present[Keys[i]] = value;
            else
                absent.Add(new LabelSelectorRequirement { Key = Keys[i], Operator = SelectorOperators.DoesNotExist });
        }
        return new LabelSelector
        {
            MatchLabels = present.Count > 0 ? present : null,
            MatchExpressions = absent.Count > 0 ? absent : null,
        };
    }

    /// <summary>This group as a peer of a policy in <paramref name="policyNamespace"/>: a namespace selector only when the namespaces differ.</summary>
    public PolicyPeer PeerFor(string policyNamespace) => new()
    {
        Selector = Selector(),
        NamespaceSelector = policyNamespace == Namespace
            ? null
            : new LabelSelector { MatchLabels = new Dictionary<string, string> { [PolicyProtocols.NamespaceNameLabel] = Namespace } },
    };

    /// <summary>In words: <c>namespace/app=web</c>, <c>namespace/!app</c> for a missing key.</summary>
    public override string ToString() =>
        $"{Namespace}/{string.Join(',', Keys.Select((k, i) => Values[i] is { } v ? $"{k}={v}" : $"!{k}"))}";

    public bool Equals(WorkloadGroup? other) => other is not null && CompareTo(other) == 0;

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(ToString());

    public int CompareTo(WorkloadGroup? other) => other is null ? 1 : string.CompareOrdinal(ToString(), other.ToString());
}
