using MicroSeg.Grains.Interfaces.Nodes;

namespace MicroSeg.Grains.Rules;

/// <summary>
/// The policy entries of one endpoint template without the numbers a node gives its rules: every entry's rule id is 0
/// and its workload id blank. What the entries are depends on the cluster snapshot and the workload's identity only
/// (for workloads without named ports of their own, on nodes whose policies name no address block), so one shape is
/// built per identity and snapshot and shared by every node (<see cref="ClusterRuleModel.ShapeOf"/>); a node pairs it
/// with its own rule ids (<see cref="EntryTemplate"/>). A relabel that changes every template of every node then builds
/// each template once for the cluster instead of once per node, and the nodes keep no copies of the entries.
/// </summary>
internal sealed class TemplateShape
{
    private KeptDiff? _lastDiff;

    private TemplateShape(IReadOnlyList<PolicyEntry> entries, IReadOnlyList<string> sources)
    {
        Entries = entries;
        Sources = sources;
        var index = new Dictionary<string, int>(sources.Count, StringComparer.Ordinal);
        for (var i = 0; i < sources.Count; i++)
            index.TryAdd(sources[i], i);
        SourceIndex = new int[entries.Count];
        var h = new Fnv64();
        for (var k = 0; k < entries.Count; k++)
        {
            var p = entries[k];
            SourceIndex[k] = index.TryGetValue(p.Source, out var at)
                ? at
                : throw new ArgumentException($"entry {k} names rule '{p.Source}', which is not among the template's sources.", nameof(entries));
            h.Add((uint)p.Direction).Add(p.RemoteIdentity).Add(p.Protocol).Add(p.Port).Add(p.EndPort).Add((uint)p.Action).Add(p.Source);
        }
        Digest = h.Value;
        Remotes = entries.Select(e => e.RemoteIdentity).Distinct().ToArray();
    }

    /// <summary>The entries in key order, with rule id 0 and a blank workload id.</summary>
    public IReadOnlyList<PolicyEntry> Entries { get; }

    /// <summary>Every rule the template was made from, in the order they were visited, including rules that gave no entries.</summary>
    public IReadOnlyList<string> Sources { get; }

    /// <summary>For each entry, the index of its rule in <see cref="Sources"/>.</summary>
    public int[] SourceIndex { get; }

    /// <summary>The identities the entries name.</summary>
    public uint[] Remotes { get; }

    /// <summary>A content hash of the entries (a rule that gives no entries changes nothing a node holds).</summary>
    public ulong Digest { get; }

    /// <summary>A shape of <paramref name="entries"/> (in key order; their rule ids and workload ids are ignored) made from the rules <paramref name="sources"/>.</summary>
    public static TemplateShape Of(IReadOnlyList<PolicyEntry> entries, IReadOnlyList<string> sources) =>
        new(entries.Select(e => e.RuleId == 0 && e.WorkloadId.Length == 0 ? e : e with { RuleId = 0, WorkloadId = "" }).ToList(), sources);

    /// <summary>
    /// The entries of this shape that are new or differ from <paramref name="from"/>'s (by index into <see cref="Entries"/>), and the keys
    /// of <paramref name="from"/> this shape does not have (blank workload id). Rule numbers are a node's: equal sources here mean equal
    /// rules only when the node numbers them alike in both templates, which the caller checks. The last answer is kept, as every node of
    /// a fan-out asks for the same one.
    /// </summary>
    public ShapeDiff DiffFrom(TemplateShape from)
    {
        if (Volatile.Read(ref _lastDiff) is { } last && last.From.TryGetTarget(out var kept) && ReferenceEquals(kept, from))
            return last.Diff;
        var set = new List<int>();
        var removed = new List<PolicyEntryKey>();
        int i = 0, j = 0;
        while (i < from.Entries.Count || j < Entries.Count)
        {
            var order = i == from.Entries.Count ? 1 : j == Entries.Count ? -1 : PolicyEntryOrder.Compare(from.Entries[i], Entries[j]);
            if (order < 0)
                removed.Add(PolicyEntryKey.Of(from.Entries[i++]));
            else if (order > 0)
                set.Add(j++);
            else
            {
                if (from.Entries[i] != Entries[j])
                    set.Add(j);
                i++;
                j++;
            }
        }
        var diff = new ShapeDiff(set, removed);
        Volatile.Write(ref _lastDiff, new KeptDiff(new WeakReference<TemplateShape>(from), diff));
        return diff;
    }

    // Weak: every shape of an identity would otherwise keep the one before it, and so every earlier shape, alive.
    private sealed record KeptDiff(WeakReference<TemplateShape> From, ShapeDiff Diff);
}

/// <summary>What differs between two template shapes: entries of the newer one to set, by index, and keys to remove.</summary>
internal sealed record ShapeDiff(IReadOnlyList<int> Set, IReadOnlyList<PolicyEntryKey> Removed);

/// <summary>The order of a node's policy list (<see cref="PolicyEntryKey.CompareTo"/>), for entries.</summary>
internal static class PolicyEntryOrder
{
    public static int Compare(PolicyEntry a, PolicyEntry b) => PolicyEntryKey.Of(a).CompareTo(PolicyEntryKey.Of(b));
}
