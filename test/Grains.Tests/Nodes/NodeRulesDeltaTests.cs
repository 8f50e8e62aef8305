using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Workloads;

namespace MicroSeg.Grains.Tests.Nodes;

public sealed class NodeRulesDeltaTests
{
    private static readonly NodeRules Before = new("n1", "e1", 4,
        [new EndpointRule("a", "va", 256, EnforcementMode.Protect, true, false, ["198.18.0.1"]), new EndpointRule("b", "vb", 257, EnforcementMode.Protect, false, false, ["198.18.0.2"])],
        [new IpCacheRule("198.18.0.2/32", 257), new IpCacheRule("198.18.0.3/32", 258)],
        [Entry("a", 257, 80), Entry("a", 258, 80)]);

    private static readonly NodeRules After = Before with
    {
        Revision = 5,
        Endpoints = [Before.Endpoints[0] with { Addresses = ["198.18.0.1", "198.18.0.9"] }],
        IpCache = [new IpCacheRule("198.18.0.2/32", 300), new IpCacheRule("198.18.0.4/32", 259)],
        Policy = [Entry("a", 257, 80), Entry("a", 259, 443)],
    };

    [Fact]
    public void Between_ThenApplyTo_GivesTheNewState()
    {
        var delta = NodeRulesDelta.Between(Before, After);
        Assert.Equal((4L, 5L), (delta.BaseRevision, delta.Revision));
        Assert.Equal(["a"], delta.EndpointsSet.Select(e => e.WorkloadId));
        Assert.Equal(["b"], delta.EndpointsRemoved);
        Assert.Equal(["198.18.0.2/32", "198.18.0.4/32"], delta.IpCacheSet.Select(i => i.Cidr));
        Assert.Equal(["198.18.0.3/32"], delta.IpCacheRemoved);
        Assert.Equal([(259u, (ushort)443)], delta.PolicySet.Select(p => (p.RemoteIdentity, p.Port)));
        Assert.Equal([258u], delta.PolicyRemoved.Select(k => k.RemoteIdentity));

        var rebuilt = delta.ApplyTo(Before);
        Assert.Equal(5, rebuilt.Revision);
        Assert.Equal(After.IpCache.OrderBy(i => i.Cidr), rebuilt.IpCache.OrderBy(i => i.Cidr));
        Assert.Equal(After.Policy.OrderBy(p => p.Port), rebuilt.Policy.OrderBy(p => p.Port));
        Assert.Equal(["198.18.0.1", "198.18.0.9"], Assert.Single(rebuilt.Endpoints).Addresses);
    }

    [Fact]
    public void Between_ListsOutOfKeyOrder_GivesTheSameDelta()
    {
        var shuffled = NodeRulesDelta.Between(
            Before with { IpCache = [.. Before.IpCache.Reverse()], Policy = [.. Before.Policy.Reverse()] },
            After with { IpCache = [.. After.IpCache.Reverse()], Policy = [.. After.Policy.Reverse()] });
        var ordered = NodeRulesDelta.Between(Before, After);

        Assert.Equal(ordered.IpCacheSet.OrderBy(i => i.Cidr), shuffled.IpCacheSet.OrderBy(i => i.Cidr));
        Assert.Equal(ordered.IpCacheRemoved.Order(), shuffled.IpCacheRemoved.Order());
        Assert.Equal(ordered.PolicySet.Select(p => p.Port).Order(), shuffled.PolicySet.Select(p => p.Port).Order());
        Assert.Equal(ordered.PolicyRemoved.Select(k => k.RemoteIdentity).Order(), shuffled.PolicyRemoved.Select(k => k.RemoteIdentity).Order());
    }

    [Fact]
    public void Between_RangeWidened_RemovesTheOldRangeAndSetsTheNewOne()
    {
        var narrow = Before with { Policy = [Entry("a", 257, 8000) with { EndPort = 8099 }, Entry("a", 257, 8000)] };
        var wide = narrow with { Revision = 5, Policy = [Entry("a", 257, 8000) with { EndPort = 8199 }, Entry("a", 257, 8000)] };

        var delta = NodeRulesDelta.Between(narrow, wide);

        Assert.Equal([(ushort)8199], delta.PolicySet.Select(p => p.EndPort));
        Assert.Equal([new PolicyEntryKey("a", TrafficDirection.Ingress, 257, 6, 8000, 8099)], delta.PolicyRemoved);
        Assert.Equal(wide.Policy.OrderBy(p => p.EndPort), delta.ApplyTo(narrow).Policy.OrderBy(p => p.EndPort));
    }

    [Fact]
    public void Between_SameContent_IsEmpty()
    {
        Assert.Equal(0, NodeRulesDelta.Between(Before, Before with { Revision = 5 }).Size);
    }

    [Fact]
    public void ApplyTo_WrongBase_Throws()
    {
        var delta = NodeRulesDelta.Between(Before, After);
        Assert.Throws<InvalidOperationException>(() => delta.ApplyTo(Before with { Revision = 3 }));
        Assert.Throws<InvalidOperationException>(() => delta.ApplyTo(Before with { Epoch = "other" }));
    }

    private static PolicyEntry Entry(string workload, uint remote, ushort port) =>
        new(workload, TrafficDirection.Ingress, remote, 6, port, PolicyAction.Allow, 1, "p/ingress/0");
}
