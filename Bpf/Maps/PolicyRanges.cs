namespace MicroSeg.Bpf;

/// <summary>
/// A policy rule for destination ports <see cref="First"/>..<see cref="Last"/> (both included) of
/// one peer, as the control plane states it, before <see cref="PolicyRanges.Encode"/> turns it into
/// ms_policy_ranges keys. Single ports belong in <see cref="Datapath.Policy"/> instead.
/// </summary>
public readonly record struct PortRangeRule(
    uint IfIndex, TrafficDirection Direction, uint RemoteIdentity, byte Protocol, ushort First, ushort Last, PolicyValue Value);

/// <summary>
/// Encodes port ranges for ms_policy_ranges. The trie answers with its longest matching block
/// only, so overlapping ranges of one (endpoint, direction, peer, protocol) are first cut into
/// disjoint pieces, each keeping the rule that wins there (deny beats allow, then the lowest rule
/// id: the same merge the control plane applies to equal exact keys); each piece is then tiled by
/// aligned power-of-two blocks, at most 30 for any range of 16-bit ports.
/// </summary>
public static class PolicyRanges
{
    /// <summary>The aligned blocks that tile [first, last], in port order, as (first port, port bits).</summary>
    public static IEnumerable<(ushort FirstPort, int PortBits)> Blocks(ushort first, ushort last)
    {
        if (last < first)
            throw new ArgumentException($"Range {first}-{last} ends before it starts.", nameof(last));
        return Tile(first, last);

        static IEnumerable<(ushort, int)> Tile(int start, int last)
        {
            while (start <= last)
            {
                // The largest block that is aligned at 'start' and does not pass 'last'.
                var size = start == 0 ? 1 << 16 : start & -start;
                while (start + size - 1 > last)
                    size >>= 1;
                yield return ((ushort)start, 16 - System.Numerics.BitOperations.Log2((uint)size));
                start += size;
            }
        }
    }

    /// <summary>The ms_policy_ranges content for <paramref name="rules"/>.</summary>
    public static Dictionary<PolicyRangeKey, PolicyValue> Encode(IEnumerable<PortRangeRule> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var encoded = new Dictionary<PolicyRangeKey, PolicyValue>(ByteComparer<PolicyRangeKey>.Instance);
        foreach (var peer in rules.GroupBy(r => (r.IfIndex, r.Direction, r.RemoteIdentity, r.Protocol)))
        {
            var (ifindex, direction, remote, protocol) = peer.Key;
            foreach (var (first, last, value) in Disjoint(peer.ToList()))
            {
                foreach (var (port, bits) in Blocks(first, last))
                    encoded[new PolicyRangeKey(ifindex, remote, protocol, direction, port, bits)] = value;
            }
        }
        return encoded;
    }

    /// <summary>Cuts the ranges at every boundary, keeps each piece's winner, joins equal neighbours.</summary>
    private static List<(ushort First, ushort Last, PolicyValue Value)> Disjoint(List<PortRangeRule> rules)
    {
        foreach (var r in rules)
        {
            if (r.Last < r.First)
                throw new ArgumentException($"Range {r.First}-{r.Last} ends before it starts.", nameof(rules));
        }
        var bounds = rules.SelectMany(r => new[] { (int)r.First, r.Last + 1 }).Distinct().Order().ToList();
        var pieces = new List<(ushort First, ushort Last, PolicyValue Value)>();
        for (var i = 0; i + 1 < bounds.Count; i++)
        {
            int first = bounds[i], last = bounds[i + 1] - 1;
            PolicyValue? winner = null;
            foreach (var r in rules)
            {
                if (r.First <= first && last <= r.Last && (winner is not { } w || Beats(r.Value, w)))
                    winner = r.Value;
            }
            if (winner is not { } value)
                continue; // a gap between ranges
            if (pieces.Count > 0 && pieces[^1].Last + 1 == first && ByteComparer<PolicyValue>.Instance.Equals(pieces[^1].Value, value))
                pieces[^1] = (pieces[^1].First, (ushort)last, value);
            else
                pieces.Add(((ushort)first, (ushort)last, value));
        }
        return pieces;
    }

    private static bool Beats(PolicyValue candidate, PolicyValue current) =>
        candidate.Action != current.Action ? candidate.Action == PolicyAction.Deny : candidate.RuleId < current.RuleId;
}
