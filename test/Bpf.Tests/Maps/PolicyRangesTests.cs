namespace MicroSeg.Bpf.Tests.Maps;

/// <summary>Range encoding for ms_policy_ranges, checked against a model of the trie's longest match.</summary>
public sealed class PolicyRangesTests
{
    private const byte Tcp = 6, Udp = 17;

    public static TheoryData<int, int, int> Ranges => new()
    {
        { 0, 0, 1 }, { 65535, 65535, 1 }, { 0, 65535, 1 }, { 1, 65535, 16 }, { 1, 65534, 30 },
        { 8000, 8010, 3 }, { 30000, 32767, 5 }, { 1024, 2047, 1 }, { 1023, 2048, 3 },
    };

    [Theory]
    [MemberData(nameof(Ranges))]
    public void Blocks_AnyRange_AlignedDisjointAndExactlyCoverIt(int first, int last, int expectedBlocks)
    {
        var blocks = PolicyRanges.Blocks((ushort)first, (ushort)last).ToList();

        Assert.Equal(expectedBlocks, blocks.Count);
        var next = first;
        foreach (var (port, bits) in blocks)
        {
            var size = 1 << (16 - bits);
            Assert.Equal(next, port);
            Assert.Equal(0, port % size);
            next = port + size;
        }
        Assert.Equal(last + 1, next);
    }

    [Fact]
    public void Blocks_EveryRangeOfSixteenBitPorts_NeedsAtMostThirty()
    {
        Assert.Equal(30, PolicyRanges.Blocks(1, 65534).Count());
        Assert.All(new[] { (1, 2), (3, 65533), (255, 257), (32767, 32768) },
            r => Assert.True(PolicyRanges.Blocks((ushort)r.Item1, (ushort)r.Item2).Count() <= 30));
    }

    [Fact]
    public void Encode_DenyInsideAllow_EachPortGetsTheWinningRule()
    {
        var encoded = PolicyRanges.Encode([Allow(1000, 2000, 51), Deny(1500, 1600, 52)]);

        for (var port = 990; port <= 2010; port++)
        {
            var expected = port is < 1000 or > 2000 ? (uint?)null : port is >= 1500 and <= 1600 ? 52u : 51u;
            Assert.Equal(expected, Match(encoded, 200, Tcp, (ushort)port)?.RuleId);
        }
        Assert.Equal(PolicyAction.Deny, Match(encoded, 200, Tcp, 1550)!.Value.Action);
    }

    [Fact]
    public void Encode_OverlappingAllows_LowestRuleIdWinsWhereTheyOverlap()
    {
        var encoded = PolicyRanges.Encode([Allow(10, 20, 5), Allow(15, 30, 3)]);
        Assert.Equal([5u, 5u, 3u, 3u, 3u], new ushort[] { 10, 14, 15, 20, 30 }.Select(p => Match(encoded, 200, Tcp, p)!.Value.RuleId));
        Assert.Null(Match(encoded, 200, Tcp, 31));
    }

    [Fact]
    public void Encode_PeersProtocolsAndDirections_AreKeptApart()
    {
        var encoded = PolicyRanges.Encode(
        [
            Allow(100, 200, 1),
            new PortRangeRule(7, TrafficDirection.Ingress, 0, Tcp, 150, 250, new PolicyValue(2, PolicyAction.Deny)),
            new PortRangeRule(7, TrafficDirection.Ingress, 200, Udp, 100, 200, new PolicyValue(3, PolicyAction.Allow)),
            new PortRangeRule(7, TrafficDirection.Egress, 200, Tcp, 100, 200, new PolicyValue(4, PolicyAction.Allow)),
        ]);
        Assert.Equal(1u, Match(encoded, 200, Tcp, 160)!.Value.RuleId); // the wildcard peer's deny is its own probe
        Assert.Equal(2u, Match(encoded, 0, Tcp, 160)!.Value.RuleId);
        Assert.Equal(3u, Match(encoded, 200, Udp, 160)!.Value.RuleId);
        Assert.Equal(4u, Match(encoded, 200, Tcp, 160, TrafficDirection.Egress)!.Value.RuleId);
    }

    [Fact]
    public void Key_FirstPortNotAlignedToItsBlock_Throws() =>
        Assert.Throws<ArgumentException>(() => new PolicyRangeKey(7, 200, Tcp, TrafficDirection.Ingress, 8001, 14));

    private static PortRangeRule Allow(ushort first, ushort last, uint rule) =>
        new(7, TrafficDirection.Ingress, 200, Tcp, first, last, new PolicyValue(rule, PolicyAction.Allow));

    private static PortRangeRule Deny(ushort first, ushort last, uint rule) =>
        new(7, TrafficDirection.Ingress, 200, Tcp, first, last, new PolicyValue(rule, PolicyAction.Deny));

    /// <summary>The trie's answer: the longest block containing the port (and at most one may).</summary>
    private static PolicyValue? Match(Dictionary<PolicyRangeKey, PolicyValue> encoded, uint remote, byte protocol, ushort port,
        TrafficDirection direction = TrafficDirection.Ingress)
    {
        var hits = encoded
            .Where(e => e.Key.IfIndex == 7 && e.Key.RemoteIdentity == remote && e.Key.Protocol == protocol && e.Key.Direction == direction
                && e.Key.FirstPort <= port && port <= e.Key.LastPort)
            .ToList();
        Assert.True(hits.Count <= 1, $"port {port} is in {hits.Count} blocks");
        return hits.Count == 1 ? hits[0].Value : null;
    }
}
