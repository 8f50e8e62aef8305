using MicroSeg.Grains.Interfaces.Workloads;
using MicroSeg.Grains.Rules;
using MicroSeg.Grains.Tests.Serialization;
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

    [Fact]
    public void ManyChanges_AcrossChunks_KeepEverySnapshotAsItWas_AndDiffsEqualARecordByRecordWalk()
    {
        var random = new Random(5);
        var model = new SortedDictionary<string, WorkloadRecord>(StringComparer.Ordinal);
        var list = new SortedWorkloadList();
        var snapshots = new List<(WorkloadChunks Chunks, WorkloadRecord[] Expected)>();
        for (var step = 0; step < 4_000; step++)
        {
            // Grow past several chunk splits, then churn: sets, replacements and removals anywhere in the order.
            var id = $"w{random.Next(step < 2_000 ? 100_000 : 3_000):D6}";
            if (step >= 2_000 && random.Next(3) == 0)
                Assert.Equal(model.Remove(id), list.Remove(id));
            else
            {
                var record = Record(id, (uint)step);
                model[id] = record;
                list.Set(record);
            }
            if (step % 97 == 0)
                snapshots.Add((list.Publish(), model.Values.ToArray()));
        }

        Assert.Equal(model.Count, list.Count);
        Assert.True(list.Publish().Chunks.Count > 3);
        Assert.All(list.Publish().Chunks, chunk => Assert.InRange(chunk.Length, 1, SortedWorkloadList.MaxChunk));
        for (var k = 0; k < snapshots.Count; k++)
        {
            var (chunks, expected) = snapshots[k];
            Assert.Equal(expected, chunks);
            Assert.Equal(expected, Enumerable.Range(0, chunks.Count).Select(i => chunks[i]));
            if (k == 0)
                continue;
            // The chunked diff skips shared chunks; a walk over plain lists of the same records must agree with it.
            var fast = WorkloadDiff.Between(snapshots[k - 1].Chunks, chunks, int.MaxValue)!;
            var slow = WorkloadDiff.Between(snapshots[k - 1].Expected, expected, int.MaxValue)!;
            Assert.Equal(slow.Removed, fast.Removed);
            Assert.Equal(slow.Added, fast.Added);
        }
    }

    [Fact]
    public void Snapshot_RoundTripsThroughTheOrleansSerializer()
    {
        var list = SortedWorkloadList.Of(Enumerable.Range(0, 700).Select(i => Record($"w{i:D4}", (uint)i)));
        var snapshot = list.Publish();

        var copy = GrainSerializer.Instance.Deserialize<IReadOnlyList<WorkloadRecord>>(GrainSerializer.Instance.SerializeToArray<IReadOnlyList<WorkloadRecord>>(snapshot));

        Assert.IsType<WorkloadChunks>(copy);
        Assert.Equal(snapshot.Select(w => (w.Spec.Id, w.Identity)), copy.Select(w => (w.Spec.Id, w.Identity)));
        Assert.Equal(snapshot[699].Spec.Id, copy[699].Spec.Id);
    }

    private static WorkloadRecord Record(string id, uint identity) =>
        new(new WorkloadSpec { Id = id, Node = "n1", Addresses = ["198.18.0.1"], Labels = new Dictionary<string, string> { ["app"] = "a" } }, identity);
}
