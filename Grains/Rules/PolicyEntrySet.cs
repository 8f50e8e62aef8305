using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Interfaces.Policies;

namespace MicroSeg.Grains.Rules;

/// <summary>
/// Policy entries keyed as the data plane keys them. Two rules that produce the same key merge:
/// deny beats allow, and between equals the first rule by name (policy id, direction, index, compared
/// ordinally) decides, so the result depends neither on the order policies are read in nor on the order
/// their rule ids were handed out (which follows the node's history). A range and a single port are different keys even where they
/// overlap; the data plane probes both (and the agent resolves overlapping ranges the same way).
/// </summary>
internal sealed class PolicyEntrySet
{
    private readonly Dictionary<(string, TrafficDirection, uint, byte, ushort, ushort), PolicyEntry> _entries = [];

    public void Add(PolicyEntry entry)
    {
        var key = (entry.WorkloadId, entry.Direction, entry.RemoteIdentity, entry.Protocol, entry.Port, entry.EndPort);
        if (!_entries.TryGetValue(key, out var existing) || Beats(entry, existing))
            _entries[key] = entry;
    }

    public IReadOnlyList<PolicyEntry> Ordered()
    {
        var ordered = _entries.Values.ToList();
        ordered.Sort(PolicyEntryOrder.Compare);
        return ordered;
    }

    private static bool Beats(PolicyEntry candidate, PolicyEntry existing) =>
        candidate.Action != existing.Action
            ? candidate.Action == PolicyAction.Deny
            : string.CompareOrdinal(candidate.Source, existing.Source) < 0;
}
