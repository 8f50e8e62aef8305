using Orleans;

namespace MicroSeg.Grains.Interfaces.Nodes;

/// <summary>
/// One node, keyed by node name. Holds the desired map state of the node's data plane and pushes
/// every change, versioned, to the node's agent.
/// </summary>
[Alias("microseg.INodeGrain")]
public interface INodeGrain : IGrainWithStringKey
{
    /// <summary>
    /// Registers (or refreshes) the node's agent and returns the current snapshot, or null when
    /// <paramref name="applied"/> (the agent's last acknowledgement, repeated) is of the current revision
    /// without error: the agent has nothing to apply, and the acknowledgement is recorded. Agents call it
    /// periodically as a heartbeat, so the common answer is the small one.
    /// </summary>
    Task<NodeRules?> SubscribeAsync(INodeRulesObserver agent, NodeAck? applied = null);

    /// <summary>Records what the agent applied.</summary>
    Task AcknowledgeAsync(NodeAck ack);

    /// <summary>
    /// Recomputes the desired state from workloads and policies, soon (changes arriving close together share
    /// one computation); pushes it when it changed. With <paramref name="basis"/>, any cluster snapshot at
    /// least that new will do; without, the node reads the cluster after this call.
    /// </summary>
    Task RecomputeAsync(ClusterInputVersions? basis = null);

    /// <summary>The current desired state.</summary>
    Task<NodeRules> GetRulesAsync();

    /// <summary>Status for operators.</summary>
    Task<NodeStatus> GetStatusAsync();

    /// <summary>
    /// An operator's decision: the node's agent may apply the state it holds back (<see cref="NodeStatus.Hold"/>).
    /// The acceptance is stored with the node and sent with every snapshot; it covers exactly the reported
    /// condition (its <see cref="ControlPlaneHold.Id"/>). Returns the accepted hold, or null when the agent
    /// reports none.
    /// </summary>
    Task<ControlPlaneHold?> AcceptControlPlaneAsync();
}
