using System.Globalization;
using System.Text;
using MicroSeg.Grains.Interfaces.Nodes;

namespace MicroSeg.NodeAgent.Hosting;

/// <summary>The agent's metrics in the Prometheus text format (0.0.4). Every series carries the node's name.</summary>
internal static partial class AgentMetricsText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static string Write(string node, ControlPlaneHold? hold, MonitorCounts monitor, AgentFlowMetrics.Snapshot? flows = null)
    {
        var text = new StringBuilder();
        Family(text, "microseg_agent_control_plane_held", "gauge",
            "1 while the agent refuses the offered state (another cluster identity, or far emptier) and keeps enforcing its last applied state until an operator accepts.");
        Sample(text, "microseg_agent_control_plane_held", hold is null ? 0 : 1, ("node", node), ("reason", hold?.Reason ?? ""),
            ("applied_cluster", hold?.AppliedClusterIdentity ?? ""), ("offered_cluster", hold?.OfferedClusterIdentity ?? ""));
        Family(text, "microseg_agent_control_plane_held_entries", "gauge",
            "While held: entries (endpoints + policy entries) of the applied state and of the refused offer.");
        if (hold is not null)
        {
            Sample(text, "microseg_agent_control_plane_held_entries", hold.AppliedEntries, ("node", node), ("state", "applied"));
            Sample(text, "microseg_agent_control_plane_held_entries", hold.OfferedEntries, ("node", node), ("state", "offered"));
        }

        Family(text, "microseg_agent_would_deny_packets_total", "counter",
            "Packets monitor mode let through that protect mode would have dropped, on this node.");
        Sample(text, "microseg_agent_would_deny_packets_total", monitor.WouldDenyPackets, ("node", node));
        Family(text, "microseg_agent_policy_would_deny_packets_total", "counter",
            "Would-deny packets per policy rule, workload, direction and reason (policy and rule empty when no rule decided, e.g. default deny).");
        foreach (var c in monitor.ByRule)
        {
            Sample(text, "microseg_agent_policy_would_deny_packets_total", c.Packets, ("node", node), ("policy", c.Policy ?? ""),
                ("rule", c.Rule ?? ""), ("workload", c.WorkloadId ?? ""), ("interface", c.Interface),
                ("direction", c.Direction == TrafficDirection.Ingress ? "ingress" : "egress"), ("reason", c.Reason));
        }
        if (flows is not null)
            WriteFlows(text, node, flows);
        return text.ToString();
    }

    private static void Family(StringBuilder text, string name, string type, string help) =>
        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} {type}\n");

    private static void Sample(StringBuilder text, string name, long value, params (string Name, string Value)[] labels)
    {
        text.Append(name).Append('{');
        text.AppendJoin(',', labels.Select(l => $"{l.Name}=\"{Escape(l.Value)}\""));
        text.Append("} ").Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }

    // Label values escape backslash, double quote and line feed (text format 0.0.4).
    private static string Escape(string value) => value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");
}
