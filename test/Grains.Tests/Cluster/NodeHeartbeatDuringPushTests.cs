using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Workloads;

namespace MicroSeg.Grains.Tests.Cluster;

/// <summary>
/// An agent's heartbeat that crosses a change finds it one revision behind while the delta from that revision is on
/// its way: the node grain answers nothing (the delta brings the agent up to date) instead of the node's every entry.
/// Any other gap still gets the full state.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class NodeHeartbeatDuringPushTests(ClusterFixture fixture)
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task HeartbeatBehindByTheDeltaInFlight_GetsNothing_OtherGaps_GetTheState()
    {
        var grains = fixture.Grains;
        var node = $"hb-{Guid.NewGuid():N}"[..12];
        await grains.GetGrain<IWorkloadGrain>($"{node}-a").SetAsync(PolicyFanoutTests.Workload($"{node}-a", node, "198.18.69.1", $"{node}-a"));
        var agent = new HeldDeltaObserver();
        var reference = fixture.Cluster.Client.CreateObjectReference<INodeRulesObserver>(agent);
        var nodeGrain = grains.GetGrain<INodeGrain>(node);
        var first = (await nodeGrain.SubscribeAsync(reference))!;
        var applied = new NodeAck(first.Epoch, first.Revision, [], [], null);
        Assert.Null(await nodeGrain.SubscribeAsync(reference, applied));

        // A change: its delta from the revision the agent holds reaches the agent and is held there, unapplied.
        await grains.GetGrain<IPolicyGrain>($"{node}-iso").SetAsync(new PolicySpec
        {
            Id = $"{node}-iso",
            Selector = new LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = $"{node}-a" } },
            Ingress = [],
        });
        var delta = await agent.Arrived.Task.WaitAsync(s_timeout);
        Assert.Equal(first.Revision, delta.BaseRevision);

        // The heartbeat with the old revision while that delta is in flight: nothing to hand out.
        Assert.Null(await nodeGrain.SubscribeAsync(reference, applied));
        // A revision no delta in flight starts from (the agent lost its state): the full state.
        var lost = await nodeGrain.SubscribeAsync(reference, applied with { Revision = first.Revision - 1 });
        Assert.NotNull(lost);
        Assert.Equal(delta.Revision, lost.Revision);

        // Once the delta is delivered, an agent still reporting the old revision did not apply it: the full state.
        agent.Release.SetResult();
        await Wait.UntilAsync(async () => await nodeGrain.SubscribeAsync(reference, applied) is not null, s_timeout, "the state for an agent that did not apply the delta");
    }

    /// <summary>An agent whose first delta stays in delivery until the test releases it.</summary>
    private sealed class HeldDeltaObserver : INodeRulesObserver
    {
        public TaskCompletionSource<NodeRulesDelta> Arrived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task OnRulesAsync(NodeRules rules) => Task.CompletedTask;

        public async Task OnDeltaAsync(NodeRulesDelta delta)
        {
            if (Arrived.TrySetResult(delta))
                await Release.Task;
        }
    }
}
