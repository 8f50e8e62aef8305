using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.NodeAgent.Rules;

namespace MicroSeg.NodeAgent.Tests.Rules;

public sealed class RulesInboxTests
{
    private static NodeRules Rules(long revision, params IpCacheRule[] ipcache) => new("n1", "e1", revision, [], ipcache, []);

    [Fact]
    public async Task OfferDelta_OnItsBase_GivesTheNextState()
    {
        var inbox = new RulesInbox();
        inbox.Offer(Rules(1, new IpCacheRule("198.18.0.1/32", 256)));
        Assert.True(inbox.OfferDelta(NodeRulesDelta.Between(Rules(1, new IpCacheRule("198.18.0.1/32", 256)), Rules(2, new IpCacheRule("198.18.0.1/32", 300)))));
        var state = await inbox.TakeAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.Equal(2, state!.Revision);
        Assert.Equal(300u, Assert.Single(state.IpCache).Identity);
    }

    [Fact]
    public void OfferDelta_AfterAGap_AsksForASnapshot()
    {
        var inbox = new RulesInbox();
        var asked = 0;
        inbox.SnapshotNeeded += () => asked++;
        inbox.Offer(Rules(1));
        Assert.False(inbox.OfferDelta(NodeRulesDelta.Between(Rules(2), Rules(3))));
        Assert.Equal(1, asked);
    }

    [Fact]
    public async Task Offer_OlderSnapshot_DoesNotReplaceNewer()
    {
        var inbox = new RulesInbox();
        inbox.Offer(Rules(5));
        inbox.Offer(Rules(4));
        Assert.Equal(5, (await inbox.TakeAsync(TimeSpan.FromSeconds(5), CancellationToken.None))!.Revision);
    }
}
