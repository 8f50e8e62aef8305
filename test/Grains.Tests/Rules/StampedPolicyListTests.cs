using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Rules;

namespace MicroSeg.Grains.Tests.Rules;

public sealed class StampedPolicyListTests
{
    [Fact]
    public void IndexerAndEnumeration_GiveTheStampedEntriesInOrder_EmptyRunsIncluded()
    {
        var empty = EntryTemplate.Of([]);
        var two = EntryTemplate.Of([Entry(300, 80), Entry(301, 443)]);
        var one = EntryTemplate.Of([Entry(302, 53)]);
        var list = new StampedPolicyList([("a", empty), ("b", two), ("c", empty), ("d", empty), ("e", one), ("f", empty)]);

        string[] expected = ["b:300", "b:301", "e:302"];
        Assert.Equal(3, list.Count);
        Assert.Equal(expected, list.Select(e => $"{e.WorkloadId}:{e.RemoteIdentity}"));
        Assert.Equal(expected, Enumerable.Range(0, list.Count).Select(i => $"{list[i].WorkloadId}:{list[i].RemoteIdentity}"));
        Assert.Throws<ArgumentOutOfRangeException>(() => list[3]);
        Assert.Empty(new StampedPolicyList([("a", empty)]));
    }

    private static PolicyEntry Entry(uint remote, ushort port) =>
        new("", TrafficDirection.Ingress, remote, 6, port, PolicyAction.Allow, 1, "p/ingress/0");
}
