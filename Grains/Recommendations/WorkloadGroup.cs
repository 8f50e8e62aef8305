using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Workloads;

namespace MicroSeg.Grains.Recommendations;

/// <summary>
/// Workloads of one namespace that one recommended policy selects and one peer selector names: those with the
/// given label values and without the <see cref="Absent"/> keys. Groups are disjoint, so a policy written for
/// one group never selects a workload of another.
/// </summary>
/// <param name="Namespace">The namespace.</param>
/// <param name="Labels">Label keys and values every member has, ordered by key.</param>
/// <param name="Absent">Label keys no member has, ordered.</param>
internal sealed record WorkloadGroup(string Namespace, IReadOnlyList<KeyValuePair<string, string>> Labels, IReadOnlyList<string> Absent) : IComparable<WorkloadGroup>
{
    /// <summary>
    /// The keys that name a workload's service when the request names none, in order of preference: the first one a
    /// workload has groups it (Kubernetes' own conventions, then the common <c>name</c>).
    /// </summary>
    public static readonly IReadOnlyList<string> ServiceKeys = ["app", "app.kubernetes.io/name", "k8s-app", "name"];

    /// <summary>
    /// The group of <paramref name="workload"/>: by the values of <paramref name="keys"/> (a missing key is its own
    /// value, selected with <c>DoesNotExist</c>), or, with no keys given, by its first <see cref="ServiceKeys"/> key
    /// (earlier ones absent), or by all its labels when it has none of them.
    /// </summary>
    public static WorkloadGroup Of(WorkloadSpec workload, IReadOnlyList<string>? keys)
    {
        if (keys is { Count: > 0 })
        {
            return new WorkloadGroup(workload.Namespace,
                keys.Where(workload.Labels.ContainsKey).Order(StringComparer.Ordinal).Select(k => KeyValuePair.Create(k, workload.Labels[k])).ToList(),
                keys.Where(k => !workload.Labels.ContainsKey(k)).Order(StringComparer.Ordinal).ToList());
        }
        for (var i = 0; i < ServiceKeys.Count; i++)
        {
            if (workload.Labels.TryGetValue(ServiceKeys[i], out var value))
                return new WorkloadGroup(workload.Namespace, [KeyValuePair.Create(ServiceKeys[i], value)], ServiceKeys.Take(i).Order(StringComparer.Ordinal).ToList());
        }
        return new WorkloadGroup(workload.Namespace,
            workload.Labels.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList(), ServiceKeys.Order(StringComparer.Ordinal).ToList());
    }

    /// <summary>Selects exactly this group's workloads within its namespace.</summary>
    public LabelSelector Selector() => new()
    {
        MatchLabels = Labels.Count > 0 ? Labels.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal) : null,
        MatchExpressions = Absent.Count > 0
            ? Absent.Select(k => new LabelSelectorRequirement { Key = k, Operator = SelectorOperators.DoesNotExist }).ToList()
            : null,
    };

    /// <summary>This group as a peer of a policy in <paramref name="policyNamespace"/>: a namespace selector only when the namespaces differ.</summary>
    public PolicyPeer PeerFor(string policyNamespace) => new()
    {
        Selector = Selector(),
        NamespaceSelector = policyNamespace == Namespace
            ? null
            : new LabelSelector { MatchLabels = new Dictionary<string, string> { [PolicyProtocols.NamespaceNameLabel] = Namespace } },
    };

    /// <summary>The label values, for the policy id.</summary>
    public IEnumerable<string> Values => Labels.Select(kv => kv.Value);

    /// <summary>In words: <c>namespace/app=web</c>; <c>namespace/name=web,!app</c> with an absent key.</summary>
    public override string ToString() =>
        $"{Namespace}/{string.Join(',', Labels.Select(kv => $"{kv.Key}={kv.Value}").Concat(Absent.Select(k => $"!{k}")))}";

    public bool Equals(WorkloadGroup? other) => other is not null && CompareTo(other) == 0;

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(ToString());

    public int CompareTo(WorkloadGroup? other) => other is null ? 1 : string.CompareOrdinal(ToString(), other.ToString());
}
