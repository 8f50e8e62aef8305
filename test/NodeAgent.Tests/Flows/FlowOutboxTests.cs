using MicroSeg.Grains.Interfaces.Flows;
using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.NodeAgent.Flows;

namespace MicroSeg.NodeAgent.Tests.Flows;

public sealed class FlowOutboxTests
{
    [Fact]
    public async Task Add_BeyondCapacity_DropsOldestIntervalsAndCountsThem()
    {
        var outbox = new FlowOutbox(5);
        outbox.Add(Samples("first", 3));
        outbox.Add(Samples("second", 2));
        outbox.Add(Samples("third", 2));

        Assert.Equal(3, outbox.Dropped);
        Assert.Equal(4, outbox.Count);
        var taken = await outbox.TakeAsync(100, CancellationToken.None);
        Assert.Equal(["second", "second", "third", "third"], taken.Select(s => s.Workload));
        Assert.Equal(0, outbox.Count);
    }

    [Fact]
    public async Task TakeAsync_WholeIntervalsUpToMax_AtLeastOne()
    {
        var outbox = new FlowOutbox(100);
        outbox.Add(Samples("big", 10));
        outbox.Add(Samples("next", 1));

        Assert.Equal(10, (await outbox.TakeAsync(4, CancellationToken.None)).Count);
        Assert.Single(await outbox.TakeAsync(4, CancellationToken.None));
    }

    [Fact]
    public async Task TakeAsync_Empty_WaitsForAnInterval()
    {
        var outbox = new FlowOutbox(100);
        var take = outbox.TakeAsync(10, CancellationToken.None);
        Assert.False(take.IsCompleted);

        outbox.Add(Samples("late", 1));

        Assert.Single(await take.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    private static FlowSample[] Samples(string workload, int count) =>
        Enumerable.Range(0, count).Select(i => new FlowSample(workload, TrafficDirection.Ingress, "198.18.0.3", "198.18.0.2", 80, 6,
            FlowVerdict.Deny, 0, "default-deny", 1, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, 1, 1, 0)).ToArray();
}
