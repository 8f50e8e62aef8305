using MicroSeg.Grains.Interfaces.Identity;
using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Rules;

namespace MicroSeg.Grains.Tests.Convergence;

/// <summary>
/// A node's rules as sorted lines, for comparing two states and printing what differs. With a numbering given,
/// node-local numbers are written as what they stand for (rule ids as their rule, node-local identities as their
/// block or address class), so that two nodes that numbered the same content differently compare equal.
/// </summary>
internal static class RulesText
{
    public static SortedSet<string> Of(NodeRules rules, NodeIdAllocations? numbering = null) =>
        Of(rules.Endpoints, rules.IpCache, rules.Policy, numbering);

    public static SortedSet<string> Of(CompiledRules rules, NodeIdAllocations? numbering = null) =>
        Of(rules.Endpoints, rules.IpCache, rules.Policy, numbering);

    /// <summary>Lines in one and not the other, marked - and +.</summary>
    public static string Difference(SortedSet<string> expected, SortedSet<string> actual) =>
        string.Join('\n', expected.Except(actual).Select(l => "- " + l).Concat(actual.Except(expected).Select(l => "+ " + l)));

    private static SortedSet<string> Of(IEnumerable<EndpointRule> endpoints, IEnumerable<IpCacheRule> ipcache, IEnumerable<PolicyEntry> policy, NodeIdAllocations? numbering)
    {
        var local = numbering?.CidrIdentities.ToDictionary(kv => kv.Value, kv => kv.Key) ?? [];
        var rules = numbering?.RuleIds.ToDictionary(kv => kv.Value, kv => kv.Key) ?? [];
        string Identity(uint id) => id >= ReservedIdentities.FirstCidrIdentity && numbering is not null
            ? local.TryGetValue(id, out var key) ? $"local({key})" : $"unknown local {id}"
            : id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string Rule(PolicyEntry e) => numbering is null ? $"{e.RuleId} {e.Source}"
            : rules.TryGetValue(e.RuleId, out var source) && source == e.Source ? e.Source : $"rule {e.RuleId} is not {e.Source}";

        var lines = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var e in endpoints)
            lines.Add($"endpoint {e.WorkloadId} {e.Interface} {e.Identity} {e.Mode} in={e.IngressIsolated} out={e.EgressIsolated} [{string.Join(',', e.Addresses)}]");
        foreach (var i in ipcache)
            lines.Add($"ipcache {i.Cidr} {Identity(i.Identity)}");
        foreach (var p in policy)
            lines.Add($"policy {p.WorkloadId} {p.Direction} {Identity(p.RemoteIdentity)} {p.Protocol}/{p.Port}-{p.EndPort} {p.Action} {Rule(p)}");
        return lines;
    }
}
