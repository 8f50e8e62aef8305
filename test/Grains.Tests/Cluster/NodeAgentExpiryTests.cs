using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Workloads;
using MicroSeg.Grains.Nodes;

namespace MicroSeg.Grains.Tests.Cluster;

/// <summary>A node grain forgets an agent that went silent, and takes it back when it subscribes again.</summary>
[Collection(ClusterCollection.Name)]
public sealed class NodeAgentExpiryTests(ClusterFixture fixture)
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task SilentAgent_AfterAgentTimeout_IsDisconnectedAndGetsNoPushes_UntilItSubscribesAgain()
    {
        var grains = fixture.Grains;
        var node = $"exp-{Guid.NewGuid():N}"[..12];
        await grains.GetGrain<IWorkloadGrain>($"{node}-a").SetAsync(PolicyFanoutTests.Workload($"{node}-a", node, "198.18.62.1", $"{node}-a"));
        var observer = new RecordingObserver();
        var reference = fixture.Cluster.Client.CreateObjectReference<INodeRulesObserver>(observer);
        var nodeGrain = grains.GetGrain<INodeGrain>(node);
        var subscribed = await nodeGrain.SubscribeAsync(reference);
        Assert.True((await nodeGrain.GetStatusAsync()).AgentConnected);

        ClusterFixture.NodeClock.Advance(NodeGrain.AgentTimeout + TimeSpan.FromSeconds(1));

        Assert.False((await nodeGrain.GetStatusAsync()).AgentConnected);
        await grains.GetGrain<IPolicyGrain>($"{node}-iso").SetAsync(Isolate(node));
        await Wait.UntilAsync(async () => (await nodeGrain.GetRulesAsync()).Revision > subscribed!.Revision, s_timeout, "the node to recompute");
        // The recompute has happened; give a (wrong) push the time it would need to arrive.
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.Equal(0, observer.LatestRevision);

        var again = await nodeGrain.SubscribeAsync(reference);
        Assert.NotNull(again);
        Assert.True(again.Revision > subscribed!.Revision);
        Assert.True((await nodeGrain.GetStatusAsync()).AgentConnected);
    }

    private static PolicySpec Isolate(string node) => new()
    {
        Id = $"{node}-iso",
        Selector = new LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = $"{node}-a" } },
        Ingress = [],
    };
}
