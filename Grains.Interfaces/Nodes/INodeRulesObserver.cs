using Orleans;

namespace MicroSeg.Grains.Interfaces.Nodes;

/// <summary>Implemented by a node agent: receives the node's desired state whenever it changes.</summary>
[Alias("microseg.INodeRulesObserver")]
public interface INodeRulesObserver : IGrainObserver
{
    /// <summary>A new snapshot; older revisions of the same epoch may be ignored.</summary>
    Task OnRulesAsync(NodeRules rules);

    /// <summary>The change to the next revision; an agent whose state is not the delta's base re-subscribes for a snapshot.</summary>
    Task OnDeltaAsync(NodeRulesDelta delta);
}
