using Orleans;
using MicroSeg.Grains.Interfaces.Identity;

namespace MicroSeg.Grains.Rules;

/// <summary>
/// Node-local numbers that must stay stable between recomputations: rule ids (carried into
/// verdicts and flow events) and identities of address blocks. Persisted with the node grain.
/// Counters only grow, so a retired number is never given to something else.
/// </summary>
[GenerateSerializer, Alias("microseg.state.NodeIdAllocations")]
internal sealed class NodeIdAllocations
{
    [Id(0)]
    public Dictionary<string, uint> RuleIds { get; set; } = [];

    [Id(1)]
    public uint NextRuleId { get; set; } = 1;

    [Id(2)]
    public Dictionary<string, uint> CidrIdentities { get; set; } = [];

    [Id(3)]
    public uint NextCidrIdentity { get; set; } = ReservedIdentities.FirstCidrIdentity;

    /// <summary>Numbers were given or forgotten since the owner last persisted them (not persisted itself).</summary>
    [NonSerialized]
    internal bool Changed;

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
