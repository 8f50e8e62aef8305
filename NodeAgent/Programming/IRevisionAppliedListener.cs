using MicroSeg.Grains.Interfaces.Nodes;

namespace MicroSeg.NodeAgent.Programming;

/// <summary>
/// Told each time a revision is in the kernel maps, with the moment it got there
/// (<see cref="TimeProvider.GetTimestamp"/>). The latency benchmark stamps real agents with it.
/// </summary>
internal interface IRevisionAppliedListener
{
    void OnApplied(NodeRules rules, long timestamp);
}
