using MicroSeg.Grains.Interfaces.Identity;

namespace MicroSeg.Grains.Rules;

/// <summary>
/// Node-local numbers that must stay stable between recomputations: rule ids (carried into
/// verdicts and flow events) and identities of address blocks. Persisted with the node grain.
/// Counters only grow, so a retired number is never given to something else.
/// </summary>
internal sealed class NodeIdAllocations
{
    public Dictionary<string, uint> RuleIds { get; set; } = [];

    public uint NextRuleId { get; set; } = 1;

    public Dictionary<string, uint> CidrIdentities { get; set; } = [];

    public uint NextCidrIdentity { get; set; } = ReservedIdentities.FirstCidrIdentity;

    public uint RuleId(string source, HashSet<string> used)
    {
        used.Add(source);
        if (!RuleIds.TryGetValue(source, out var id))
            RuleIds[source] = id = NextRuleId++;
        return id;
    }

    public uint CidrIdentity(string cidr, HashSet<string> used)
    {
        used.Add(cidr);
        if (!CidrIdentities.TryGetValue(cidr, out var id))
            CidrIdentities[cidr] = id = NextCidrIdentity++;
        return id;
    }

    /// <summary>Forgets numbers that the last computation did not use.</summary>
    public void Retain(HashSet<string> usedRules, HashSet<string> usedCidrs)
    {
        foreach (var key in RuleIds.Keys.Where(k => !usedRules.Contains(k)).ToList())
            RuleIds.Remove(key);
        foreach (var key in CidrIdentities.Keys.Where(k => !usedCidrs.Contains(k)).ToList())
            CidrIdentities.Remove(key);
    }
}
