using MicroSeg.Grains.Interfaces.Nodes;

namespace MicroSeg.NodeAgent.Rules;

/// <summary>The agent's observer object: the node grain calls it with every new snapshot or delta.</summary>
internal sealed class RulesObserver(RulesInbox inbox) : INodeRulesObserver
{
    public Task OnRulesAsync(NodeRules rules)
    {
        inbox.Offer(rules);
        return Task.CompletedTask;
    }

    public Task OnDeltaAsync(NodeRulesDelta delta)
    {
        inbox.OfferDelta(delta);
        return Task.CompletedTask;
    }
}
