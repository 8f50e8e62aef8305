using System.Text.RegularExpressions;
using MicroSeg.Bpf;
using MicroSeg.Grains.Interfaces.Nodes;
using BpfDirection = MicroSeg.Bpf.TrafficDirection;
using NodeDirection = MicroSeg.Grains.Interfaces.Nodes.TrafficDirection;

namespace MicroSeg.NodeAgent.Programming;

/// <summary>
/// Monitor mode's counters as operators read them: the data path counts would-deny packets per endpoint,
/// direction, rule id and reason (ms_would_deny) and per node (ms_stats); this names them with the applied
/// rules, so each count says which policy rule and workload it belongs to.
/// </summary>
internal sealed partial class MonitorCounters(Datapath datapath) : IRevisionAppliedListener
{
    private volatile Names _names = new(new Dictionary<uint, string>(), new Dictionary<int, (string, string)>());

    /// <summary>Remembers what rule ids and interfaces stand for in the revision just programmed.</summary>
    public void OnApplied(NodeRules rules, long timestamp)
    {
        var rulesById = new Dictionary<uint, string>();
        foreach (var entry in rules.Policy)
            rulesById.TryAdd(entry.RuleId, entry.Source);
        var endpoints = new Dictionary<int, (string, string)>();
        foreach (var endpoint in rules.Endpoints)
        {
            if (NetworkInterfaces.IndexOf(endpoint.Interface) is var ifindex and > 0)
                endpoints[ifindex] = (endpoint.WorkloadId, endpoint.Interface);
        }
        _names = new Names(rulesById, endpoints);
    }

    /// <summary>The workload whose interface has <paramref name="ifindex"/> in the revision last programmed, or null.</summary>
    public string? WorkloadOf(uint ifindex) => _names.Endpoints.TryGetValue((int)ifindex, out var endpoint) ? endpoint.Workload : null;

    /// <summary>The rule ("policy-id/direction/index") of <paramref name="ruleId"/> in the revision last programmed, or null.</summary>
    public string? RuleOf(uint ruleId) => _names.Rules.GetValueOrDefault(ruleId);

    /// <summary>Reads the counters from the kernel now.</summary>
    public MonitorCounts Read()
    {
        var names = _names;
        var byRule = datapath.ReadWouldDeny()
            .Where(c => c.Value > 0)
            .Select(c => Describe(names, c.Key, c.Value))
            .OrderBy(c => c.WorkloadId, StringComparer.Ordinal).ThenBy(c => c.Direction).ThenBy(c => c.RuleId).ThenBy(c => c.Reason, StringComparer.Ordinal)
            .ToList();
        var total = datapath.ReadCounters().Verdict(FlowVerdict.WouldDeny);
        return new MonitorCounts((long)total, byRule);
    }

    /// <summary><paramref name="ack"/> with the current counters; null stays null.</summary>
    public NodeAck? Stamp(NodeAck? ack) => ack is null ? null : ack with { Monitor = Read() };

    private static WouldDenyCount Describe(Names names, WouldDenyKey key, ulong packets)
    {
        var rule = key.RuleId == 0 ? null : names.Rules.GetValueOrDefault(key.RuleId);
        var (workload, device) = names.Endpoints.TryGetValue((int)key.IfIndex, out var endpoint)
            ? endpoint
            : ((string?)null, $"ifindex {key.IfIndex}");
        return new WouldDenyCount(rule is null ? null : RuleSources.PolicyOf(rule), rule, key.RuleId, workload, device,
            key.Direction == BpfDirection.Ingress ? NodeDirection.Ingress : NodeDirection.Egress,
            ReasonName(key.Reason), (long)packets);
    }

    /// <summary>FlowReason.DefaultDeny → "default-deny".</summary>
    internal static string ReasonName(FlowReason reason) => Words().Replace(reason.ToString(), "$1-$2").ToLowerInvariant();

    [GeneratedRegex("([a-z])([A-Z])")]
    private static partial Regex Words();

    private sealed record Names(IReadOnlyDictionary<uint, string> Rules, IReadOnlyDictionary<int, (string Workload, string Interface)> Endpoints);
}
