using System.Collections.Concurrent;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Workloads;

namespace MicroSeg.Grains.Rules;

/// <summary>
/// The nodes that host workloads a policy selects, per policy, for one model: what a fan-out asks for every policy
/// that names a changed workload as a peer. A first answer walks every identity group and takes the nodes of the
/// selected ones (<see cref="WorkloadTables.NodesOf"/>, kept per identity, so no workload is walked). The next model
/// gets each answer as it is when no identity it depends on changed, and otherwise patched for just the changed
/// identities: a relabel that moves a workload between two identities a broad policy selects re-examines those two,
/// not every group again.
/// </summary>
internal sealed class PolicyNodeSets
{
    private readonly ConcurrentDictionary<PolicySpec, Lazy<NodeSet>> _sets;
    private readonly WorkloadTables _tables;

    /// <summary>
    /// The selected identities with the nodes each is on, and per node how many of them are on it: what lets one
    /// identity leave the answer without walking the others.
    /// </summary>
    private sealed record NodeSet(Dictionary<uint, IReadOnlyList<string>> NodesOf, Dictionary<string, int> Hosting);

    /// <summary>The sets of the model of <paramref name="tables"/>, none computed yet.</summary>
    public PolicyNodeSets(WorkloadTables tables)
        : this(new ConcurrentDictionary<PolicySpec, Lazy<NodeSet>>(ReferenceEqualityComparer.Instance), tables)
    {
    }

    private PolicyNodeSets(ConcurrentDictionary<PolicySpec, Lazy<NodeSet>> sets, WorkloadTables tables)
    {
        _sets = sets;
        _tables = tables;
    }

    /// <summary>
    /// The sets of a model whose identity groups differ from this one's only in <paramref name="touched"/> (same
    /// policies and namespaces), with <paramref name="tables"/>: a set is kept unless it covered a changed identity or
    /// the policy selects one now, and then patched for the changed identities.
    /// </summary>
    public PolicyNodeSets Next(IReadOnlySet<uint> touched, PolicyScope scope, WorkloadTables tables)
    {
        var present = touched.Select(t => (Identity: t, Representative: tables.RepresentativeOf(t)))
            .Where(g => g.Representative is not null).ToList();
        var next = new ConcurrentDictionary<PolicySpec, Lazy<NodeSet>>(ReferenceEqualityComparer.Instance);
        foreach (var (policy, lazy) in _sets)
        {
            if (!lazy.IsValueCreated)
                continue;
            var set = lazy.Value;
            var selectedNow = present.Where(g => scope.Selects(policy, g.Representative!)).Select(g => g.Identity).ToList();
            next[policy] = selectedNow.Count == 0 && !touched.Any(set.NodesOf.ContainsKey)
                ? lazy
                : new Lazy<NodeSet>(() => Patched(set, touched, selectedNow, tables));
        }
        return new PolicyNodeSets(next, tables);
    }

    /// <summary>The nodes of every workload <paramref name="policy"/> selects among <paramref name="groups"/>.</summary>
    public IReadOnlyCollection<string> Of(PolicySpec policy, PolicyScope scope, IReadOnlyList<Remote> groups) =>
        _sets.GetOrAdd(policy, p => new Lazy<NodeSet>(() =>
        {
            var set = new NodeSet([], new Dictionary<string, int>(StringComparer.Ordinal));
            foreach (var group in groups)
            {
                if (scope.Selects(p, group.Workloads[0]))
                    Add(set, group.Identity, _tables.NodesOf(group.Identity));
            }
            return set;
        })).Value.Hosting.Keys;

    /// <summary>A copy of <paramref name="set"/> without the <paramref name="touched"/> identities, then with those selected now.</summary>
    private static NodeSet Patched(NodeSet set, IReadOnlySet<uint> touched, IReadOnlyList<uint> selectedNow, WorkloadTables tables)
    {
        // Copied: the earlier model's set may still be read by node computations of its own fan-out.
        var patched = new NodeSet(new Dictionary<uint, IReadOnlyList<string>>(set.NodesOf), new Dictionary<string, int>(set.Hosting, StringComparer.Ordinal));
        foreach (var identity in touched)
        {
            if (!patched.NodesOf.Remove(identity, out var nodes))
                continue;
            foreach (var node in nodes)
            {
                if (--patched.Hosting[node] == 0)
                    patched.Hosting.Remove(node);
            }
        }
        foreach (var identity in selectedNow)
            Add(patched, identity, tables.NodesOf(identity));
        return patched;
    }

    private static void Add(NodeSet set, uint identity, IReadOnlyList<string> nodes)
    {
        set.NodesOf[identity] = nodes;
        foreach (var node in nodes)
            set.Hosting[node] = set.Hosting.GetValueOrDefault(node) + 1;
    }
}
