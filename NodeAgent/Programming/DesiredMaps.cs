using System.Net;
using MicroSeg.Bpf;
using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Workloads;
using BpfDirection = MicroSeg.Bpf.TrafficDirection;
using BpfAction = MicroSeg.Bpf.PolicyAction;

namespace MicroSeg.NodeAgent.Programming;

/// <summary>
/// A snapshot translated into map contents for this host: workload ids become interface indexes.
/// Endpoints whose interface does not exist (yet) are left out, with their policy entries.
/// </summary>
internal sealed record DesiredMaps(
    Dictionary<uint, EndpointValue> Endpoints,
    Dictionary<IpCacheKey, IpCacheValue> IpCache,
    Dictionary<PolicyKey, PolicyValue> Policy,
    Dictionary<SourceAddressKey, SourceAddressValue> SourceAddresses,
    IReadOnlyList<string> PresentInterfaces,
    IReadOnlyList<string> MissingInterfaces)
{
    public static DesiredMaps From(NodeRules rules, Func<string, int> indexOf)
    {
        var endpoints = new Dictionary<uint, EndpointValue>();
        var sources = new Dictionary<SourceAddressKey, SourceAddressValue>(ByteComparer<SourceAddressKey>.Instance);
        var ifindexByWorkload = new Dictionary<string, uint>(StringComparer.Ordinal);
        var present = new List<string>();
        // Directions that have deny entries, found in one pass (not one scan of every entry per endpoint).
        var denyDirections = rules.Policy
            .Where(p => p.Action == Grains.Interfaces.Policies.PolicyAction.Deny)
            .Select(p => (p.WorkloadId, p.Direction))
            .ToHashSet();
        var missing = new List<string>();
        foreach (var ep in rules.Endpoints)
        {
            var ifindex = indexOf(ep.Interface);
            if (ifindex <= 0)
            {
                missing.Add(ep.Interface);
                continue;
            }
            present.Add(ep.Interface);
            ifindexByWorkload[ep.WorkloadId] = (uint)ifindex;
            // Anti-spoofing: the workload may send only from its own addresses. One registered
            // without addresses cannot be checked, so it is explicitly exempt rather than cut off.
            foreach (var address in ep.Addresses)
                sources[new SourceAddressKey((uint)ifindex, IPAddress.Parse(address))] = default;
            // Allow-only lets the data path skip deny probes for a direction that has no deny entries.
            var flags = (ep.IngressIsolated ? EndpointFlags.IngressIsolated : EndpointFlags.None)
                | (ep.EgressIsolated ? EndpointFlags.EgressIsolated : EndpointFlags.None)
                | (ep.Addresses.Count == 0 ? EndpointFlags.NoSourceCheck : EndpointFlags.None)
                | (denyDirections.Contains((ep.WorkloadId, Grains.Interfaces.Nodes.TrafficDirection.Ingress)) ? EndpointFlags.None : EndpointFlags.IngressAllowOnly)
                | (denyDirections.Contains((ep.WorkloadId, Grains.Interfaces.Nodes.TrafficDirection.Egress)) ? EndpointFlags.None : EndpointFlags.EgressAllowOnly);
            endpoints[(uint)ifindex] = new EndpointValue(
                ep.Identity, ep.Mode == EnforcementMode.Monitor ? EndpointMode.Monitor : EndpointMode.Protect, flags);
        }

        var ipcache = rules.IpCache.ToDictionary(r => IpCacheKey.FromCidr(r.Cidr), r => new IpCacheValue(r.Identity), ByteComparer<IpCacheKey>.Instance);

        var policy = new Dictionary<PolicyKey, PolicyValue>(ByteComparer<PolicyKey>.Instance);
        foreach (var entry in rules.Policy)
        {
            if (!ifindexByWorkload.TryGetValue(entry.WorkloadId, out var ifindex))
                continue;
            var key = new PolicyKey(ifindex, entry.RemoteIdentity, entry.Port, entry.Protocol,
                entry.Direction == Grains.Interfaces.Nodes.TrafficDirection.Ingress ? BpfDirection.Ingress : BpfDirection.Egress);
            policy[key] = new PolicyValue(entry.RuleId, entry.Action == Grains.Interfaces.Policies.PolicyAction.Deny ? BpfAction.Deny : BpfAction.Allow);
        }
        return new DesiredMaps(endpoints, ipcache, policy, sources, present, missing);
    }
}
