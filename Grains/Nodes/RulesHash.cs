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
        var h = new Fnv();
        foreach (var e in rules.Endpoints)
        {
            h.Add(e.WorkloadId).Add(e.Interface).Add(e.Identity).Add((uint)e.Mode).Add(e.IngressIsolated ? 1u : 0u).Add(e.EgressIsolated ? 1u : 0u);
            foreach (var a in e.Addresses)
                h.Add(a);
        }
        h.Add(0xFFFF_FFFFu);
        foreach (var i in rules.IpCache)
            h.Add(i.Cidr).Add(i.Identity);
        h.Add(0xFFFF_FFFFu);
        foreach (var p in rules.Policy)
            h.Add(p.WorkloadId).Add((uint)p.Direction).Add(p.RemoteIdentity).Add(p.Protocol).Add(p.Port).Add(p.EndPort).Add((uint)p.Action).Add(p.RuleId).Add(p.Source);
        return h.Value.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
    }

    private sealed class Fnv
    {
        public ulong Value { get; private set; } = 14695981039346656037UL;

        public Fnv Add(uint value)
        {
            for (var i = 0; i < 4; i++, value >>= 8)
                Value = (Value ^ (value & 0xFF)) * 1099511628211UL;
            return this;
        }

        public Fnv Add(string value)
        {
            foreach (var c in value)
                Add(c);
            return Add(0x1F);
        }
    }
}
