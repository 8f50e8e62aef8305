using System.Collections.Concurrent;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Workloads;

namespace MicroSeg.Grains.Rules;

/// <summary>
/// The nodes that host workloads a policy selects, per policy, for one model: what a fan-out asks for every policy
/// that names a changed workload as a peer. An answer walks every identity group and every workload of the selected
/// ones (a thousand at 50,000 workloads), so it is kept and handed to the next model for as long as no identity it
/// depends on changed.
/// </summary>
internal sealed class PolicyNodeSets
{
    private readonly ConcurrentDictionary<PolicySpec, Lazy<NodeSet>> _sets;

    private sealed record NodeSet(HashSet<uint> Identities, IReadOnlyCollection<string> Nodes);

    public PolicyNodeSets()
        : this(new ConcurrentDictionary<PolicySpec, Lazy<NodeSet>>(ReferenceEqualityComparer.Instance))
    {
    }

    private PolicyNodeSets(ConcurrentDictionary<PolicySpec, Lazy<NodeSet>> sets) => _sets = sets;

    /// <summary>
    /// The sets of a model whose identity groups differ from this one's only in <paramref name="touched"/> (same
    /// policies and namespaces): a set survives unless it covered a changed identity or the policy selects one now.
    /// </summary>
    public PolicyNodeSets Next(IReadOnlySet<uint> touched, PolicyScope scope, Func<uint, WorkloadRecord?> representativeOf)
    {
        var present = touched.Select(representativeOf).OfType<WorkloadRecord>().ToList();
        var kept = _sets.Where(kv => kv.Value.IsValueCreated
            && !kv.Value.Value.Identities.Overlaps(touched)
            && !present.Any(w => scope.Selects(kv.Key, w)));
        return new PolicyNodeSets(new ConcurrentDictionary<PolicySpec, Lazy<NodeSet>>(kept, ReferenceEqualityComparer.Instance));
    }

    /// <summary>The nodes of every workload <paramref name="policy"/> selects among <paramref name="groups"/>.</summary>
    public IReadOnlyCollection<string> Of(PolicySpec policy, PolicyScope scope, IReadOnlyList<Remote> groups) =>
        _sets.GetOrAdd(policy, p => new Lazy<NodeSet>(() =>
        {
            var identities = new HashSet<uint>();
            var nodes = new HashSet<string>(StringComparer.Ordinal);
            foreach (var group in groups)
            {
                if (!scope.Selects(p, group.Workloads[0]))
                    continue;
                identities.Add(group.Identity);
                foreach (var w in group.Workloads)
                    nodes.Add(w.Spec.Node);
            }
            return new NodeSet(identities, nodes);
        })).Value.Nodes;
}
