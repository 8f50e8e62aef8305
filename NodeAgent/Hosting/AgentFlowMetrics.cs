using MicroSeg.Bpf;
using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.NodeAgent.Flows;
using MicroSeg.NodeAgent.Programming;
using MicroSeg.NodeAgent.Rules;

namespace MicroSeg.NodeAgent.Hosting;

/// <summary>What /metrics reports of the data plane and the flow pipeline, read at one scrape.</summary>
internal sealed class AgentFlowMetrics(
    Datapath datapath,
    FlowCounters flows,
    FlowOutbox outbox,
    MonitorCounters names,
    ConntrackCollectionService conntrack,
    RulesInbox inbox,
    AgentOptions options)
{
    public Snapshot Read() => new(datapath.ReadCounters(), flows, outbox.Count, outbox.Dropped, names, conntrack.LastScanned, options.ConntrackEntries, options.ConntrackIPv6Capacity, inbox.LastAck);

    /// <summary>One scrape's figures.</summary>
    internal sealed record Snapshot(
        DatapathCounters Kernel,
        FlowCounters Flows,
        int Waiting,
        long Dropped,
        MonitorCounters Names,
        int ConntrackEntries,
        uint ConntrackIPv4Capacity,
        uint ConntrackIPv6Capacity,
        NodeAck? LastAck);
}
