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

    /// <summary>Numbers were given or forgotten since the owner last persisted them.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool Changed { get; set; }

    public uint RuleId(string source, HashSet<string> used)
    {
        used.Add(source);
        if (!RuleIds.TryGetValue(source, out var id))
        {
            RuleIds[source] = id = NextRuleId++;
            Changed = true;
        }
        return id;
    }

    public uint CidrIdentity(string cidr, HashSet<string> used)
    {
        used.Add(cidr);
        if (!CidrIdentities.TryGetValue(cidr, out var id))
        {
            CidrIdentities[cidr] = id = NextCidrIdentity++;
            Changed = true;
        }
        return id;
    }

    /// <summary>Forgets numbers that the last computation did not use.</summary>
    public void Retain(HashSet<string> usedRules, HashSet<string> usedCidrs)
    {
        foreach (var key in RuleIds.Keys.Where(k => !usedRules.Contains(k)).ToList())
            Changed |= RuleIds.Remove(key);
        foreach (var key in CidrIdentities.Keys.Where(k => !usedCidrs.Contains(k)).ToList())
            Changed |= CidrIdentities.Remove(key);
    }
}
