using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Nodes;
using MicroSeg.Grains.Rules;

namespace MicroSeg.Grains.Tests.Convergence;

/// <summary>
/// A node grain and its agent without the cluster around them: every change is compiled with the node's
/// persisted numbering (as NodeGrain does), sent as the delta from the last revision sent (NodeDeltaBuilder),
/// and applied by the agent to what it holds (NodeRulesDelta.ApplyTo).
/// </summary>
internal sealed class NodeReplica(string node)
{
    private NodeSnapshot? _sent;
    private string? _hash;

    /// <summary>The node's persisted numbers: rule ids and node-local identities.</summary>
    public NodeIdAllocations Ids { get; } = new();

    /// <summary>What the agent holds, built only from the snapshot it first got and the deltas after it.</summary>
    public NodeRules? Agent { get; private set; }

    /// <summary>The desired state the node grain last computed.</summary>
    public NodeRules? Desired => _sent?.Rules;

    /// <summary>Recomputes from <paramref name="state"/>; a changed content goes to the agent as a delta.</summary>
    public void Recompute(ClusterState state)
    {
        var compiled = NodeRuleCompiler.Compile(node, state.Records(), state.Policies.Values.ToList(), Ids, state.NamespaceLabels());
        var hash = RulesHash.Of(compiled);
        if (hash == _hash)
            return;
        _hash = hash;
        var rules = new NodeRules(node, "epoch", (_sent?.Rules.Revision ?? 0) + 1, compiled.Endpoints, compiled.IpCache, compiled.Policy);
        var snapshot = new NodeSnapshot(rules, compiled.PolicySlices);
        Agent = _sent is null || Agent is null ? rules : NodeDeltaBuilder.Between(_sent, snapshot).ApplyTo(Agent);
        _sent = snapshot;
    }

    /// <summary>A compile of <paramref name="state"/> from scratch with a copy of the node's current numbering.</summary>
    public CompiledRules FreshWithSameNumbers(ClusterState state) =>
        NodeRuleCompiler.Compile(node, state.Records(), state.Policies.Values.ToList(), Copy(Ids), state.NamespaceLabels());

    /// <summary>A compile of <paramref name="state"/> by a node that never saw anything before it.</summary>
    public static (CompiledRules Rules, NodeIdAllocations Ids) Fresh(string node, ClusterState state)
    {
        var ids = new NodeIdAllocations();
        return (NodeRuleCompiler.Compile(node, state.Records(), state.Policies.Values.ToList(), ids, state.NamespaceLabels()), ids);
    }

    private static NodeIdAllocations Copy(NodeIdAllocations ids) => new()
    {
        RuleIds = new Dictionary<string, uint>(ids.RuleIds),
        NextRuleId = ids.NextRuleId,
        CidrIdentities = new Dictionary<string, uint>(ids.CidrIdentities),
        NextCidrIdentity = ids.NextCidrIdentity,
    };
}
