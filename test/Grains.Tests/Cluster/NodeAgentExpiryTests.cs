using MicroSeg.Grains.Interfaces;
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

    [Fact]
    public async Task NodeDeletedWhileItsAgentWasAway_IsListedAgain_WhenTheAgentSubscribesAgain()
    {
        var grains = fixture.Grains;
        var node = $"ret-{Guid.NewGuid():N}"[..12];
        var index = grains.GetGrain<INodeIndexGrain>(GrainKeys.Cluster);
        var reference = fixture.Cluster.Client.CreateObjectReference<INodeRulesObserver>(new RecordingObserver());
        var nodeGrain = grains.GetGrain<INodeGrain>(node);
        await nodeGrain.SubscribeAsync(reference);
        Assert.Contains(node, await index.GetAllAsync());

        // The agent goes silent; an operator deletes the node (the API refuses while an agent is connected).
        ClusterFixture.NodeClock.Advance(NodeGrain.AgentTimeout + TimeSpan.FromSeconds(1));
        Assert.False((await nodeGrain.GetStatusAsync()).AgentConnected);
        Assert.True(await index.RemoveAsync(node));

        // The same agent comes back to the same activation: the fan-out must reach its node again.
        await nodeGrain.SubscribeAsync(reference);
        Assert.Contains(node, await index.GetAllAsync());
    }

    [Fact]
    public void FirstReconcile_FallsInTheSecondHalfOfAPeriod()
    {
        Assert.Equal(NodeGrain.ReconcilePeriod / 2, NodeGrain.FirstReconcile(0));
        Assert.Equal(NodeGrain.ReconcilePeriod, NodeGrain.FirstReconcile(1));
        var spread = Enumerable.Range(0, 200).Select(_ => NodeGrain.FirstReconcile()).ToList();
        Assert.All(spread, due => Assert.InRange(due, NodeGrain.ReconcilePeriod / 2, NodeGrain.ReconcilePeriod));
        Assert.True(spread.Distinct().Count() > 100, "activations that start together must not share one due time");
    }

    private static PolicySpec Isolate(string node) => new()
    {
        Id = $"{node}-iso",
        Selector = new LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = $"{node}-a" } },
        Ingress = [],
    };
}
