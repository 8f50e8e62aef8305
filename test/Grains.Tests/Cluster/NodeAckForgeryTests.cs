using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Interfaces.Workloads;

namespace MicroSeg.Grains.Tests.Cluster;

/// <summary>A node grain records only acknowledgements of revisions it handed out.</summary>
[Collection(ClusterCollection.Name)]
public sealed class NodeAckForgeryTests(ClusterFixture fixture)
{
    [Fact]
    public async Task AckOfFutureRevision_IsRefused_AndStatusKeepsTheTruth()
    {
        var grains = fixture.Grains;
        var node = $"ack-{Guid.NewGuid():N}"[..12];
        await grains.GetGrain<IWorkloadGrain>($"{node}-a").SetAsync(PolicyFanoutTests.Workload($"{node}-a", node, "198.18.63.1", $"{node}-a"));
        var nodeGrain = grains.GetGrain<INodeGrain>(node);
        var rules = await nodeGrain.GetRulesAsync();

        var forged = new NodeAck(rules.Epoch, rules.Revision + 1_000_000, [], [], null);
        var refused = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => nodeGrain.AcknowledgeAsync(forged));
        Assert.Contains("never issued", refused.Message, StringComparison.Ordinal);
        var status = await nodeGrain.GetStatusAsync();
        Assert.Null(status.AppliedRevision);

        // Through the heartbeat path the forged revision is not recorded either: the agent is sent the real snapshot.
        var observer = fixture.Cluster.Client.CreateObjectReference<INodeRulesObserver>(new RecordingObserver());
        Assert.NotNull(await nodeGrain.SubscribeAsync(observer, forged with { Revision = rules.Revision + 1 }));
        Assert.Null((await nodeGrain.GetStatusAsync()).AppliedRevision);

        // The revision it did issue is recorded as applied.
        await nodeGrain.AcknowledgeAsync(forged with { Revision = rules.Revision });
        Assert.Equal(rules.Revision, (await nodeGrain.GetStatusAsync()).AppliedRevision);
    }
}
