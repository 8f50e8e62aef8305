using System.Text;

using MicroSeg.Grains.Interfaces.Flows;
using MicroSeg.Grains.Interfaces.Nodes;

namespace MicroSeg.NodeAgent.Hosting;

internal static partial class AgentMetricsText
{
    /// <summary>Appends the data plane's packet counters and the flow pipeline's figures.</summary>
    public static void WriteFlows(StringBuilder text, string node, AgentFlowMetrics.Snapshot s)
    {
        Family(text, "microseg_agent_packets_total", "counter", "Packets the data plane decided, by verdict (since its maps were created).");
        foreach (var (verdict, word) in new[] { (Bpf.FlowVerdict.Allowed, "allow"), (Bpf.FlowVerdict.Denied, "deny"), (Bpf.FlowVerdict.WouldDeny, "would-deny") })
            Sample(text, "microseg_agent_packets_total", (long)s.Kernel.Verdict(verdict), ("node", node), ("verdict", word));

        Family(text, "microseg_agent_flow_events_total", "counter", "Flow events read from the ring buffer (a new flow, or a denied or would-deny packet), by verdict and direction.");
        foreach (var ((verdict, direction), n) in s.Flows.Events.OrderBy(e => e.Key))
            Sample(text, "microseg_agent_flow_events_total", n, ("node", node), ("verdict", FlowWords.Of(verdict)), ("direction", Direction(direction)));
        Family(text, "microseg_agent_connections_total", "counter", "Connections (source address and port) seen in flow events, by verdict and direction.");
        foreach (var ((verdict, direction), n) in s.Flows.Connections.OrderBy(e => e.Key))
            Sample(text, "microseg_agent_connections_total", n, ("node", node), ("verdict", FlowWords.Of(verdict)), ("direction", Direction(direction)));
        Family(text, "microseg_agent_policy_hits_total", "counter", "Connections per deciding policy rule and verdict.");
        foreach (var ((ruleId, verdict), n) in s.Flows.RuleHits.OrderBy(e => e.Key))
        {
            var rule = s.Names.RuleOf(ruleId);
            Sample(text, "microseg_agent_policy_hits_total", n, ("node", node), ("policy", rule is null ? "" : RuleSources.PolicyOf(rule)), ("rule", rule ?? $"#{ruleId}"),
                ("verdict", FlowWords.Of(verdict)));
        }

        Family(text, "microseg_agent_flow_events_lost_total", "counter", "Flow events the data plane could not write because the ring buffer was full (the reader fell behind).");
        Sample(text, "microseg_agent_flow_events_lost_total", (long)s.Kernel.EventsLost, ("node", node));
        Family(text, "microseg_agent_flow_events_suppressed_total", "counter", "Flow events the data plane did not emit because of its per-CPU event rate limit.");
        Sample(text, "microseg_agent_flow_events_suppressed_total", (long)s.Kernel.EventsSuppressed, ("node", node));
        Family(text, "microseg_agent_flow_reports_total", "counter", "Flow reports the data plane wrote: an allowed connection's packets and bytes since its previous report.");
        Sample(text, "microseg_agent_flow_reports_total", (long)s.Kernel.Reports, ("node", node));
        Family(text, "microseg_agent_flow_reports_deferred_total", "counter", "Flow reports that were due but not written (their rate limit, or a full ring); a later packet of the connection reports the growth.");
        Sample(text, "microseg_agent_flow_reports_deferred_total", (long)s.Kernel.ReportsDeferred, ("node", node));
        Family(text, "microseg_agent_flow_events_unreported_total", "counter", "Flow events left out of reports: of an interface that was no endpoint, or beyond the distinct keys of an interval.");
        Sample(text, "microseg_agent_flow_events_unreported_total", s.Flows.Unattributed + s.Flows.Overflowed, ("node", node));
        Family(text, "microseg_agent_flow_samples_sent_total", "counter", "Aggregated flow samples the control plane stored.");
        Sample(text, "microseg_agent_flow_samples_sent_total", s.Flows.SamplesSent, ("node", node));
        Family(text, "microseg_agent_flow_samples_dropped_total", "counter", "Aggregated flow samples dropped because the control plane was slow or unreachable and the buffer was full.");
        Sample(text, "microseg_agent_flow_samples_dropped_total", s.Dropped, ("node", node));
        Family(text, "microseg_agent_flow_samples_waiting", "gauge", "Aggregated flow samples waiting to be sent.");
        Sample(text, "microseg_agent_flow_samples_waiting", s.Waiting, ("node", node));
        Family(text, "microseg_agent_flow_send_failures_total", "counter", "Failed attempts to send a flow batch (each is retried).");
        Sample(text, "microseg_agent_flow_send_failures_total", s.Flows.BatchFailures, ("node", node));

        Family(text, "microseg_agent_conntrack_entries", "gauge", "Conntrack entries found by the last collection pass (-1 before the first).");
        Sample(text, "microseg_agent_conntrack_entries", s.ConntrackEntries, ("node", node));
        Family(text, "microseg_agent_conntrack_capacity", "gauge", "Conntrack size by address family: the flows ms_conntrack4 (ipv4) and ms_conntrack6 (ipv6) hold.");
        Sample(text, "microseg_agent_conntrack_capacity", s.ConntrackIPv4Capacity, ("node", node), ("family", "ipv4"));
        Sample(text, "microseg_agent_conntrack_capacity", s.ConntrackIPv6Capacity, ("node", node), ("family", "ipv6"));
        Family(text, "microseg_agent_conntrack_create_failures_total", "counter", "Conntrack inserts that failed.");
        Sample(text, "microseg_agent_conntrack_create_failures_total", (long)s.Kernel.ConntrackCreateFailed, ("node", node));

        Family(text, "microseg_agent_map_sync_revision", "gauge", "The node revision the agent last programmed and acknowledged.");
        Sample(text, "microseg_agent_map_sync_revision", s.LastAck?.Revision ?? 0, ("node", node));
        Family(text, "microseg_agent_map_sync_error", "gauge", "1 while the last programming of the maps failed.");
        Sample(text, "microseg_agent_map_sync_error", s.LastAck?.Error is null ? 0 : 1, ("node", node));
    }

    private static string Direction(TrafficDirection direction) => direction == TrafficDirection.Ingress ? "ingress" : "egress";
}
