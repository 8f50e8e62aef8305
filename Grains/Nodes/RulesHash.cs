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
        var h = new Fnv64();
        foreach (var e in rules.Endpoints)
        {
            h.Add(e.WorkloadId).Add(e.Interface).Add(e.Identity).Add((uint)e.Mode).Add(e.IngressIsolated ? 1u : 0u).Add(e.EgressIsolated ? 1u : 0u);
            foreach (var a in e.Addresses)
                h.Add(a);
        }
        h.Add(0xFFFF_FFFFu);
        h.Add(rules.IpCacheDigest);
        h.Add(0xFFFF_FFFFu);
        // The policy part is hashed by the compiler as it builds it (per endpoint: its id and its entries'
        // hash, shared by the endpoints of one identity), not entry by entry again here.
        h.Add(rules.PolicyDigest);
        return h.Value.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
    }
}
