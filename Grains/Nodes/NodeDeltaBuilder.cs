using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Rules;

namespace MicroSeg.Grains.Nodes;

/// <summary>A node's desired state as sent to its agent, with where each endpoint's entries sit in it and the table its ipcache is.</summary>
internal sealed record NodeSnapshot(NodeRules Rules, PolicySlices Slices, IpCacheTable? IpCache = null);

/// <summary>
/// The delta between two snapshots of one node, computed per endpoint template rather than per entry:
/// endpoints whose template hashes the same are skipped, and the difference between two templates is
/// computed once and stamped onto every endpoint that moved between them. A relabel that gives every
/// endpoint of a node one more peer thus costs the entries it adds, not a pass over every entry.
/// </summary>
internal static class NodeDeltaBuilder
{
    private static readonly NodeRules Empty = new("", "", 0, [], [], []);

    public static NodeRulesDelta Between(NodeSnapshot from, NodeSnapshot to)
    {
        var set = new List<PolicyEntry>();
        var removed = new List<PolicyEntryKey>();
        var templateDiffs = new Dictionary<(EntryTemplate, EntryTemplate), (List<PolicyEntry> Set, IReadOnlyList<PolicyEntryKey> Removed)>();
        // A computation that kept every endpoint's entries (only the ipcache moved) hands on the very same slices.
        var samePolicy = ReferenceEquals(from.Slices, to.Slices) && ReferenceEquals(from.Rules.Policy, to.Rules.Policy);
        var (was, now) = samePolicy ? (PolicySlices.Empty, PolicySlices.Empty) : (from.Slices, to.Slices);
        // Both are ordered by workload id: one walk pairs them. An endpoint a computation reused has the very same id
        // instance in both, so most pairs are recognised without reading the ids.
        int i = 0, j = 0;
        while (i < was.Count || j < now.Count)
        {
            var order = i == was.Count ? 1
                : j == now.Count ? -1
                : ReferenceEquals(was.IdAt(i), now.IdAt(j)) ? 0
                : string.CompareOrdinal(was.IdAt(i), now.IdAt(j));
            if (order < 0)
            {
                var gone = was[i++];
                for (var k = gone.Start; k < gone.Start + gone.Count; k++)
                    removed.Add(PolicyEntryKey.Of(from.Rules.Policy[k]));
                continue;
            }
            var workload = now.IdAt(j);
            var after = now[j++];
            if (order > 0)
            {
                for (var k = after.Start; k < after.Start + after.Count; k++)
                    set.Add(to.Rules.Policy[k]);
                continue;
            }
            var before = was[i++];
            if (ReferenceEquals(before.Template, after.Template) || (before.Template.Digest == after.Template.Digest && before.Count == after.Count))
                continue;
            var key = (before.Template, after.Template);
            if (!templateDiffs.TryGetValue(key, out var diff))
                templateDiffs[key] = diff = Between(before.Template, after.Template);
            // Loops, not Select: a fan-out stamps every endpoint of every node, and an iterator and a closure each was
            // a third of a delta's allocations.
            foreach (var e in diff.Set)
                set.Add(e with { WorkloadId = workload });
            foreach (var k in diff.Removed)
                removed.Add(k with { WorkloadId = workload });
        }
        // Nodes that name the same identities share one ipcache table: the same instance needs no diff, and a table
        // patched from the one this node had says what changed without comparing every row.
        var sameIpCache = ReferenceEquals(from.Rules.IpCache, to.Rules.IpCache);
        var patched = sameIpCache ? null : to.IpCache?.ChangesSince(from.IpCache);
        var compareIpCache = !sameIpCache && patched is null;
        var rest = NodeRulesDelta.Between(
            from.Rules with { Policy = [], IpCache = compareIpCache ? from.Rules.IpCache : [] },
            to.Rules with { Policy = [], IpCache = compareIpCache ? to.Rules.IpCache : [] });
        return patched is var (ipSet, ipRemoved)
            ? rest with { PolicySet = set, PolicyRemoved = removed, IpCacheSet = ipSet, IpCacheRemoved = ipRemoved }
            : rest with { PolicySet = set, PolicyRemoved = removed };
    }

    /// <summary>
    /// The entries (workload id blank) that turn one template into another. Templates that number their common rules alike
    /// differ where their shapes do, which every node of a fan-out shares; otherwise the entries are compared.
    /// </summary>
    private static (List<PolicyEntry> Set, IReadOnlyList<PolicyEntryKey> Removed) Between(EntryTemplate before, EntryTemplate now)
    {
        if (now.NumbersRulesAs(before))
        {
            var shapes = now.Shape.DiffFrom(before.Shape);
            return (shapes.Set.Select(k => now.Stamp(k, "")).ToList(), shapes.Removed);
        }
        var entries = NodeRulesDelta.Between(Empty with { Policy = before.Entries }, Empty with { Policy = now.Entries });
        return (entries.PolicySet.ToList(), entries.PolicyRemoved);
    }
}
