using MicroSeg.Grains.Interfaces.Identity;
using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Workloads;

namespace MicroSeg.Grains.Rules;

/// <summary>The desired data-plane content of one node, before it is versioned.</summary>
internal sealed record CompiledRules(
    IReadOnlyList<EndpointRule> Endpoints,
    IReadOnlyList<IpCacheRule> IpCache,
    IReadOnlyList<PolicyEntry> Policy);

/// <summary>
/// Turns workloads and label-based policies into one node's endpoint, ipcache and policy entries.
/// Pure: the same inputs and allocations give the same output, so a node can be recomputed at any time.
/// </summary>
internal static class NodeRuleCompiler
{
    public static CompiledRules Compile(
        string node, IReadOnlyList<WorkloadRecord> workloads, IReadOnlyList<PolicySpec> policies, NodeIdAllocations ids)
    {
        var usedRules = new HashSet<string>();
        var usedCidrs = new HashSet<string>();
        var local = workloads.Where(w => w.Spec.Node == node && w.Spec.Interface is not null).ToList();
        var selecting = local.ToDictionary(
            w => w.Spec.Id,
            w => policies.Where(p => LabelSelectorMatcher.Matches(p.Selector, w.Spec.Labels)).ToList());

        var ipcache = new SortedDictionary<string, uint>(StringComparer.Ordinal);
        var workloadHosts = new HashSet<CidrBlock>();
        foreach (var w in workloads)
        {
            foreach (var address in w.Spec.Addresses)
            {
                var host = CidrBlock.Host(address);
                workloadHosts.Add(host);
                ipcache[host.ToString()] = w.Identity;
            }
        }

        // Address blocks named by policies that apply here get node-local identities. A block equal to a
        // workload address is left to the workload: the workload's identity is what selectors match.
        var cidrIdentities = new Dictionary<CidrBlock, uint>();
        foreach (var block in selecting.Values.SelectMany(ps => ps).Distinct().SelectMany(CidrBlocksOf).Distinct().OrderBy(b => b.ToString(), StringComparer.Ordinal))
        {
            if (workloadHosts.Contains(block))
                continue;
            var id = ids.CidrIdentity(block.ToString(), usedCidrs);
            cidrIdentities[block] = id;
            ipcache[block.ToString()] = id;
        }

        var endpoints = new List<EndpointRule>();
        var entries = new Dictionary<(string, TrafficDirection, uint, byte, ushort), PolicyEntry>();
        foreach (var w in local)
        {
            var applying = selecting[w.Spec.Id];
            var ingressIsolated = applying.Any(p => p.Action == PolicyAction.Allow && p.Ingress is not null);
            var egressIsolated = applying.Any(p => p.Action == PolicyAction.Allow && p.Egress is not null);
            endpoints.Add(new EndpointRule(w.Spec.Id, w.Spec.Interface!, w.Identity, w.Spec.Mode, ingressIsolated, egressIsolated, w.Spec.Addresses));

            foreach (var policy in applying)
            {
                AddRules(w, policy, TrafficDirection.Ingress, policy.Ingress);
                AddRules(w, policy, TrafficDirection.Egress, policy.Egress);
            }
        }

        void AddRules(WorkloadRecord w, PolicySpec policy, TrafficDirection direction, IReadOnlyList<PolicyRule>? rules)
        {
            for (var i = 0; i < (rules?.Count ?? 0); i++)
            {
                var rule = rules![i];
                var source = $"{policy.Id}/{(direction == TrafficDirection.Ingress ? "ingress" : "egress")}/{i}";
                var ruleId = ids.RuleId(source, usedRules);
                var peers = direction == TrafficDirection.Ingress ? rule.From : rule.To;
                foreach (var remote in RemoteIdentities(peers, workloads, cidrIdentities))
                {
                    foreach (var (protocol, port) in Ports(rule.Ports))
                    {
                        var key = (w.Spec.Id, direction, remote, protocol, port);
                        var entry = new PolicyEntry(w.Spec.Id, direction, remote, protocol, port, policy.Action, ruleId, source);
                        // Deny beats allow; between equals the lowest rule id decides, so the result does not depend on order.
                        if (!entries.TryGetValue(key, out var existing) || Beats(entry, existing))
                            entries[key] = entry;
                    }
                }
            }
        }

        ids.Retain(usedRules, usedCidrs);
        var policyEntries = entries.Values
            .OrderBy(e => e.WorkloadId, StringComparer.Ordinal).ThenBy(e => e.Direction)
            .ThenBy(e => e.RemoteIdentity).ThenBy(e => e.Protocol).ThenBy(e => e.Port)
            .ToList();
        return new CompiledRules(
            endpoints.OrderBy(e => e.WorkloadId, StringComparer.Ordinal).ToList(),
            ipcache.Select(kv => new IpCacheRule(kv.Key, kv.Value)).ToList(),
            policyEntries);
    }

    private static bool Beats(PolicyEntry candidate, PolicyEntry existing) =>
        candidate.Action != existing.Action
            ? candidate.Action == PolicyAction.Deny
            : candidate.RuleId < existing.RuleId;

    private static IEnumerable<CidrBlock> CidrBlocksOf(PolicySpec policy) =>
        (policy.Ingress ?? []).SelectMany(r => r.From ?? [])
            .Concat((policy.Egress ?? []).SelectMany(r => r.To ?? []))
            .Where(p => p.Cidr is not null)
            .SelectMany(p => (p.Except ?? []).Prepend(p.Cidr!))
            .Select(CidrBlock.Parse);

    private static IEnumerable<uint> RemoteIdentities(
        IReadOnlyList<PolicyPeer>? peers, IReadOnlyList<WorkloadRecord> workloads, Dictionary<CidrBlock, uint> cidrIdentities)
    {
        if (peers is null || peers.Count == 0)
            return [ReservedIdentities.Any];
        var result = new SortedSet<uint>();
        foreach (var peer in peers)
        {
            if (peer.Selector is not null)
            {
                foreach (var w in workloads.Where(w => LabelSelectorMatcher.Matches(peer.Selector, w.Spec.Labels)))
                    result.Add(w.Identity);
                continue;
            }
            // A block selects every known block inside it (longest-prefix match gives an address the most
            // specific block's identity), except the blocks inside an 'except'.
            var block = CidrBlock.Parse(peer.Cidr!);
            var except = (peer.Except ?? []).Select(CidrBlock.Parse).ToList();
            foreach (var (inner, id) in cidrIdentities)
            {
                if (block.Contains(inner) && !except.Any(e => e.Contains(inner)))
                    result.Add(id);
            }
        }
        return result;
    }

    private static IEnumerable<(byte Protocol, ushort Port)> Ports(IReadOnlyList<PolicyPort>? ports)
    {
        if (ports is null || ports.Count == 0)
        {
            yield return (0, 0);
            yield break;
        }
        foreach (var port in ports)
        {
            var protocol = PolicyProtocols.Numbers[port.Protocol.ToUpperInvariant()];
            if (port.Port is not { } first)
            {
                yield return (protocol, 0);
                continue;
            }
            for (var p = first; p <= (port.EndPort ?? first); p++)
                yield return (protocol, (ushort)p);
        }
    }
}
