using MicroSeg.Grains.Interfaces.Identity;
using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Settings;
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
    /// <summary>Parsed addresses per workload spec: specs are immutable and shared by every node computation.</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<WorkloadSpec, CidrBlock[]> Hosts = [];

    internal static CidrBlock[] HostsOf(WorkloadSpec spec) =>
        Hosts.GetValue(spec, s => s.Addresses.Select(CidrBlock.Host).ToArray());

    /// <summary>A rule without ports admits every port and protocol.</summary>
    private static readonly PolicyPort?[] AnyPort = [null];

    public static CompiledRules Compile(
        string node, IReadOnlyList<WorkloadRecord> workloads, IReadOnlyList<PolicySpec> policies, NodeIdAllocations ids,
        NamespaceLabels? namespaces = null, EnforcementSettings? settings = null)
    {
        settings ??= new EnforcementSettings();
        var scope = new PolicyScope(namespaces ?? NamespaceLabels.Empty, workloads);
        policies = policies.Where(p => !p.Draft).ToList();
        var usedRules = new HashSet<string>();
        var usedCidrs = new HashSet<string>();
        var local = workloads.Where(w => w.Spec.Node == node && w.Spec.Interface is not null).ToList();
        // Workloads of one identity share labels and namespace, so they are selected by the same policies.
        var byIdentity = new Dictionary<uint, List<PolicySpec>>();
        var selecting = local.ToDictionary(w => w.Spec.Id, w =>
        {
            if (!byIdentity.TryGetValue(w.Identity, out var applying))
                byIdentity[w.Identity] = applying = policies.Where(p => scope.Selects(p, w)).ToList();
            return applying;
        });

        var workloadHosts = workloads.SelectMany(w => HostsOf(w.Spec).Select(h => (Host: h, w.Identity))).ToList();
        var hostSet = workloadHosts.Select(h => h.Host).ToHashSet();

        // Address blocks named by policies that apply here get node-local identities. A block equal to a
        // workload address is left to the workload: the workload's identity is what selectors match.
        var cidrIdentities = new Dictionary<CidrBlock, uint>();
        var blocks = selecting.Values.SelectMany(ps => ps).Distinct().SelectMany(CidrBlocksOf).Distinct().OrderBy(b => b.ToString(), StringComparer.Ordinal).ToList();
        foreach (var block in blocks.Where(b => !hostSet.Contains(b)))
            cidrIdentities[block] = ids.CidrIdentity(block.ToString(), usedCidrs);

        var endpoints = new List<EndpointRule>();
        var entries = new PolicyEntrySet();
        foreach (var w in local)
        {
            var applying = selecting[w.Spec.Id];
            var ingressIsolated = applying.Any(p => p.Action == PolicyAction.Allow && p.Ingress is not null);
            var egressIsolated = applying.Any(p => p.Action == PolicyAction.Allow && p.Egress is not null);
            endpoints.Add(new EndpointRule(w.Spec.Id, w.Spec.Interface!, w.Identity, EffectiveMode(w, settings), ingressIsolated, egressIsolated, w.Spec.Addresses));

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
                var remotes = scope.Remotes(policy, peers, cidrIdentities);
                var ports = rule.Ports is { Count: > 0 } ? (IReadOnlyList<PolicyPort?>)rule.Ports : AnyPort;
                foreach (var port in ports)
                {
                    foreach (var (remote, protocol, number, end) in PortResolver.Resolve(port, direction, w, remotes, workloads))
                        entries.Add(new PolicyEntry(w.Spec.Id, direction, remote, protocol, number, policy.Action, ruleId, source, end));
                }
            }
        }

        ids.Retain(usedRules, usedCidrs);
        var policyEntries = entries.Ordered();
        return new CompiledRules(
            endpoints.OrderBy(e => e.WorkloadId, StringComparer.Ordinal).ToList(),
            IpCache(policyEntries, workloadHosts, blocks, cidrIdentities),
            policyEntries);
    }

    /// <summary>
    /// The node's ipcache holds what its rules can tell apart: addresses of the identities its entries
    /// name, and every workload address inside a block its policies name (so a workload is never taken
    /// for the block around it). Any other address resolves to WORLD, which no entry names, so the
    /// verdict is the same as with a full table, and a change elsewhere in the cluster leaves this node's
    /// content, and revision, untouched.
    /// </summary>
    private static List<IpCacheRule> IpCache(
        IReadOnlyList<PolicyEntry> entries, List<(CidrBlock Host, uint Identity)> hosts, List<CidrBlock> blocks, Dictionary<CidrBlock, uint> cidrIdentities)
    {
        var named = entries.Select(e => e.RemoteIdentity).Where(i => i != ReservedIdentities.Any).ToHashSet();
        var ipcache = new SortedDictionary<string, uint>(StringComparer.Ordinal);
        foreach (var (host, identity) in hosts)
        {
            if (named.Contains(identity) || blocks.Any(b => b.Contains(host)))
                ipcache[host.ToString()] = identity;
        }
        foreach (var (block, identity) in cidrIdentities)
            ipcache[block.ToString()] = identity;
        return ipcache.Select(kv => new IpCacheRule(kv.Key, kv.Value)).ToList();
    }

    /// <summary>The workload's own mode, else its first matching label group's, else the cluster default.</summary>
    internal static EnforcementMode EffectiveMode(WorkloadRecord w, EnforcementSettings settings) =>
        w.Spec.Mode
        ?? settings.LabelGroups.FirstOrDefault(g => (g.Namespace is null || g.Namespace == w.Spec.Namespace)
            && LabelSelectorMatcher.Matches(g.Selector, w.Spec.Labels))?.Mode
        ?? settings.DefaultMode;

    private static IEnumerable<CidrBlock> CidrBlocksOf(PolicySpec policy) =>
        (policy.Ingress ?? []).SelectMany(r => r.From ?? [])
            .Concat((policy.Egress ?? []).SelectMany(r => r.To ?? []))
            .Where(p => p.Cidr is not null)
            .SelectMany(p => (p.Except ?? []).Prepend(p.Cidr!))
            .Select(CidrBlock.Parse);
}
