using MicroSeg.NodeAgent.Rules;

namespace MicroSeg.NodeAgent.Tests.Rules;

public sealed class NodeSubscriptionTests
{
    private static readonly TimeSpan s_period = TimeSpan.FromSeconds(5);

    [Fact]
    public void NextHeartbeat_IsThePeriodGiveOrTakeAQuarter()
    {
        Assert.Equal(TimeSpan.FromSeconds(3.75), NodeSubscription.NextHeartbeat(s_period, 0));
        Assert.Equal(s_period, NodeSubscription.NextHeartbeat(s_period, 0.5));
        Assert.Equal(TimeSpan.FromSeconds(6.25), NodeSubscription.NextHeartbeat(s_period, 1));
    }

    [Fact]
    public void NextHeartbeat_OfAgentsThatSubscribedTogether_DoesNotKeepThemInStep()
    {
        var waits = Enumerable.Range(0, 200).Select(_ => NodeSubscription.NextHeartbeat(s_period)).ToList();
        Assert.All(waits, wait => Assert.InRange(wait, s_period * 0.75, s_period * 1.25));
        // Well inside the node grain's agent timeout: jitter never makes a live agent look silent.
        Assert.True(waits.Max() * 3 < TimeSpan.FromSeconds(20));
        Assert.True(waits.Distinct().Count() > 100, "agents that subscribed together must spread their heartbeats");
    }
}
