using System.Net;
using System.Runtime.CompilerServices;
using MicroSeg.Grains.Interfaces.Flows;
using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Workloads;
using MicroSeg.Grains.Rules;

namespace MicroSeg.Grains.Flows;

/// <summary>A flow named for people, and the edge it belongs to.</summary>
internal sealed record ResolvedFlow(FlowRecord Record, EdgeEnd Src, EdgeEnd Dst)
{
    public string EdgeKey => EdgeKeys.Of(Src.Id, Dst.Id);
}

/// <summary>
/// Turns an agent's samples into flow records: addresses to workloads (from the cluster's workloads), node-local
/// rule ids to the policies that own them (from the node's rules, which the rule compiler stamped with their
/// source), and a default deny to the policy whose selection isolated the workload. Pure.
/// </summary>
internal static class FlowResolver
{
    private static readonly ConditionalWeakTable<ClusterRuleModel, Dictionary<IPAddress, WorkloadRecord>> ByAddress = [];
    private static readonly ConditionalWeakTable<ClusterRuleModel, Dictionary<string, WorkloadRecord>> ById = [];
    private static readonly ConditionalWeakTable<NodeRules, Dictionary<uint, string>> RuleSourcesById = [];

    /// <summary>
    /// The record of <paramref name="sample"/>, or null when another report counts the same connections: an allowed
    /// connection from one workload to another enforced workload is reported by both ends, and the destination's
    /// report (which saw the final verdict, its ingress policy's) is the one kept.
    /// </summary>
    public static ResolvedFlow? Resolve(string node, FlowSample sample, ClusterRuleModel model, NodeRules rules)
    {
        var local = Workloads(model).GetValueOrDefault(sample.Workload);
        var ingress = sample.Direction == TrafficDirection.Ingress;
        var remoteAddress = ingress ? sample.Source : sample.Destination;
        var remote = IPAddress.TryParse(remoteAddress, out var parsed) ? Addresses(model).GetValueOrDefault(parsed) : null;
        if (!ingress && sample.Verdict == FlowVerdict.Allow && remote?.Spec.Interface is not null)
            return null;

        var localEnd = local is null
            ? new EdgeEnd(sample.Workload, null, new Dictionary<string, string>())
            : new EdgeEnd(local.Spec.Id, local.Spec.Namespace, new Dictionary<string, string>(local.Spec.Labels));
        var remoteEnd = remote is null
            ? new EdgeEnd(ExternalBlock(remoteAddress), null, new Dictionary<string, string>())
            : new EdgeEnd(remote.Spec.Id, remote.Spec.Namespace, new Dictionary<string, string>(remote.Spec.Labels));
        var localPoint = new FlowEndpoint(local?.Spec.Id ?? sample.Workload, local?.Spec.Namespace, ingress ? sample.Destination : sample.Source);
        var remotePoint = new FlowEndpoint(remote?.Spec.Id, remote?.Spec.Namespace, remoteAddress);
        var (src, dst) = ingress ? (remotePoint, localPoint) : (localPoint, remotePoint);
        var (policy, reason) = Decider(sample, local, model, rules);
        var record = new FlowRecord(0, sample.FirstSeen, sample.LastSeen, node, src, dst with { Port = sample.Port },
            FlowWords.ProtocolName(sample.Protocol), FlowWords.Of(sample.Verdict), policy, reason, sample.Connections, sample.Packets, sample.Bytes);
        return ingress ? new ResolvedFlow(record, remoteEnd, localEnd) : new ResolvedFlow(record, localEnd, remoteEnd);
    }

    /// <summary>The address block an edge to an address outside any workload is kept under: its /24 (IPv4) or /64 (IPv6).</summary>
    public static string ExternalBlock(string address)
    {
        if (!IPAddress.TryParse(address, out var ip))
            return address;
        var bytes = ip.GetAddressBytes();
        var prefix = bytes.Length == 4 ? 24 : 64;
        for (var i = prefix / 8; i < bytes.Length; i++)
            bytes[i] = 0;
        return $"{new IPAddress(bytes)}/{prefix}";
    }

    private static (string? Policy, string Reason) Decider(FlowSample sample, WorkloadRecord? local, ClusterRuleModel model, NodeRules rules)
    {
        if (sample.RuleId != 0)
        {
            var source = RulesById(rules).GetValueOrDefault(sample.RuleId);
            return (source is null ? null : RuleSources.PolicyOf(source), FlowWords.Rule);
        }
        return sample.Reason switch
        {
            FlowWords.DefaultDeny => (local is null ? null : IsolatingPolicy(local, sample.Direction, model), FlowWords.DefaultDeny),
            "default-allow" => (null, FlowWords.NoPolicy),
            _ => (null, sample.Reason),
        };
    }

    /// <summary>The first (by id) allow policy that selects the workload with a rule list for the direction: it isolated it.</summary>
    private static string? IsolatingPolicy(WorkloadRecord workload, TrafficDirection direction, ClusterRuleModel model) =>
        model.Selecting(workload)
            .Where(p => p.Action == PolicyAction.Allow && (direction == TrafficDirection.Ingress ? p.Ingress : p.Egress) is not null)
            .Select(p => p.Id)
            .Order(StringComparer.Ordinal)
            .FirstOrDefault();

    private static Dictionary<string, WorkloadRecord> Workloads(ClusterRuleModel model) =>
        ById.GetValue(model, m => m.Workloads.GroupBy(w => w.Spec.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal));

    private static Dictionary<IPAddress, WorkloadRecord> Addresses(ClusterRuleModel model) =>
        ByAddress.GetValue(model, m =>
        {
            var map = new Dictionary<IPAddress, WorkloadRecord>();
            foreach (var w in m.Workloads)
            {
                foreach (var a in w.Spec.Addresses)
                {
                    if (IPAddress.TryParse(a, out var ip))
                        map[ip] = w;
                }
            }
            return map;
        });

    internal static Dictionary<uint, string> RulesById(NodeRules rules) =>
        RuleSourcesById.GetValue(rules, r =>
        {
            var map = new Dictionary<uint, string>();
            foreach (var entry in r.Policy)
                map.TryAdd(entry.RuleId, entry.Source);
            return map;
        });
}
