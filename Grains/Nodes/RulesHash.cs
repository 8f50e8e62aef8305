using MicroSeg.Grains.Rules;

namespace MicroSeg.Grains.Nodes;

/// <summary>
/// A content hash of a node's desired state, stable across processes (it is persisted to keep the
/// revision when nothing changed across a restart) and cheap: 64-bit FNV-1a over the fields, in
/// the compiler's deterministic order, instead of serializing tens of thousands of entries.
/// </summary>
internal static class RulesHash
{
    public static string Of(CompiledRules rules)
    {
        // Each part is hashed by the compiler as it builds it (endpoints from per-spec hashes, the policy per
        // endpoint from its entries' hash, shared by the endpoints of one identity), not field by field again here.
        var h = new Fnv64();
        h.Add(rules.EndpointsDigest);
        h.Add(0xFFFF_FFFFu);
        h.Add(rules.IpCacheTable.Digest);
        h.Add(0xFFFF_FFFFu);
        h.Add(rules.PolicyDigest);
        return h.Value.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
    }
}
