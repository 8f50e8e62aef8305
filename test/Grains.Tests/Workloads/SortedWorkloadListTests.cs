using MicroSeg.Grains.Interfaces.Workloads;
using MicroSeg.Grains.Workloads;

namespace MicroSeg.Grains.Tests.Workloads;

public sealed class SortedWorkloadListTests
{
    [Fact]
    public void Snapshot_NeverChanges_WhileTheListGoesOnInIdOrder()
    {
        var list = SortedWorkloadList.Of([Record("b", 1), Record("a", 1), Record("b", 2)]);
        var first = list.Publish();
        Assert.Equal(["a", "b"], first.Select(w => w.Spec.Id));
        Assert.Equal(2u, first[1].Identity);

        list.Set(Record("c", 3));
        list.Set(Record("a", 4));
        Assert.True(list.Remove("b"));
        Assert.False(list.Remove("zz"));

        Assert.Equal([("a", 1u), ("b", 2u)], first.Select(w => (w.Spec.Id, w.Identity)));
        Assert.Equal([("a", 4u), ("c", 3u)], list.Publish().Select(w => (w.Spec.Id, w.Identity)));
        Assert.Equal(3u, list.Find("c")!.Identity);
        Assert.Null(list.Find("b"));
    }

    [Fact]
    public void SameAs_ComparesIdsAndRecordValues()
    {
        var (x, y) = (Record("x", 1), Record("y", 2));
        var a = SortedWorkloadList.Of([x, y]);
        // Equal records (the same spec, as shards hand back what the index stored) count as the same content.
        Assert.True(a.SameAs(SortedWorkloadList.Of([y with { }, x])));
        Assert.False(a.SameAs(SortedWorkloadList.Of([x, y with { Identity = 3 }])));
        Assert.False(a.SameAs(SortedWorkloadList.Of([x])));
    }

    private static WorkloadRecord Record(string id, uint identity) =>
        new(new WorkloadSpec { Id = id, Node = "n1", Addresses = ["198.18.0.1"], Labels = new Dictionary<string, string> { ["app"] = "a" } }, identity);
}
