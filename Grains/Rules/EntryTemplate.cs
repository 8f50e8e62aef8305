using System.Collections;
using MicroSeg.Grains.Interfaces.Nodes;

namespace MicroSeg.Grains.Rules;

/// <summary>
/// The policy entries of one endpoint on a node, with its workload id left blank: a <see cref="TemplateShape"/> (often shared
/// by every node) and the node's number for each of the shape's rules. Entries are stamped with those numbers when read.
/// </summary>
internal sealed class EntryTemplate
{
    public EntryTemplate(TemplateShape shape, uint[] ruleIds)
    {
        if (ruleIds.Length != shape.Sources.Count)
            throw new ArgumentException($"{ruleIds.Length} rule ids for {shape.Sources.Count} rules.", nameof(ruleIds));
        Shape = shape;
        RuleIds = ruleIds;
        // The entries' rule numbers, not every rule's: a rule that gives no entries changes nothing the node holds.
        var h = new Fnv64().Add(shape.Digest);
        foreach (var source in shape.SourceIndex)
            h.Add(ruleIds[source]);
        Digest = h.Value;
        Entries = new Stamped(this);
    }

    public TemplateShape Shape { get; }

    /// <summary>The node's rule id of each of the shape's <see cref="TemplateShape.Sources"/>.</summary>
    public uint[] RuleIds { get; }

    /// <summary>A content hash of the entries, rule ids included.</summary>
    public ulong Digest { get; }

    /// <summary>The entries in key order with their rule ids, workload id blank (made when read).</summary>
    public IReadOnlyList<PolicyEntry> Entries { get; }

    public int Count => Shape.Entries.Count;

    /// <summary>The identities the entries name.</summary>
    public uint[] Remotes => Shape.Remotes;

    /// <summary>Every rule the template was made from, including rules that gave no entries: the rule numbers it holds on to.</summary>
    public IReadOnlyList<string> Sources => Shape.Sources;

    /// <summary>Entry <paramref name="index"/> as the data plane holds it for <paramref name="workloadId"/>.</summary>
    public PolicyEntry Stamp(int index, string workloadId) =>
        Shape.Entries[index] with { RuleId = RuleIds[Shape.SourceIndex[index]], WorkloadId = workloadId };

    /// <summary>Whether every rule both templates name has the same number in both: then equal shapes mean equal entries.</summary>
    public bool NumbersRulesAs(EntryTemplate other)
    {
        if (ReferenceEquals(Shape.Sources, other.Shape.Sources) || Shape.Sources.SequenceEqual(other.Shape.Sources))
            return RuleIds.AsSpan().SequenceEqual(other.RuleIds);
        var theirs = new Dictionary<string, uint>(other.Shape.Sources.Count, StringComparer.Ordinal);
        for (var i = 0; i < other.Shape.Sources.Count; i++)
            theirs[other.Shape.Sources[i]] = other.RuleIds[i];
        for (var i = 0; i < Shape.Sources.Count; i++)
        {
            if (theirs.TryGetValue(Shape.Sources[i], out var id) && id != RuleIds[i])
                return false;
        }
        return true;
    }

    /// <summary>A template of entries as given (in key order, with their rule ids), made from the rules they name.</summary>
    public static EntryTemplate Of(IReadOnlyList<PolicyEntry> entries)
    {
        var sources = entries.Select(e => e.Source).Distinct().ToList();
        var ids = sources.Select(s => entries.First(e => e.Source == s).RuleId).ToArray();
        return new EntryTemplate(TemplateShape.Of(entries, sources), ids);
    }

    private sealed class Stamped(EntryTemplate template) : IReadOnlyList<PolicyEntry>
    {
        public PolicyEntry this[int index] => template.Stamp(index, "");

        public int Count => template.Count;

        public IEnumerator<PolicyEntry> GetEnumerator()
        {
            for (var i = 0; i < Count; i++)
                yield return template.Stamp(i, "");
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
