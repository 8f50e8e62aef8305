using System.Net;
using MicroSeg.Bpf;
using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Workloads;
using MicroSeg.NodeAgent.Interfaces;
using BpfDirection = MicroSeg.Bpf.TrafficDirection;
using BpfAction = MicroSeg.Bpf.PolicyAction;

namespace MicroSeg.NodeAgent.Programming;

/// <summary>
/// A snapshot translated into map contents for this host: workload ids become interface indexes.
/// Endpoints whose interface does not exist (yet) or is refused (invalid name, device not allowed)
/// are left out, with their policy entries. Single
/// addresses of the ipcache go to its host table, blocks to its trie. Single
/// ports (and any-port entries) become exact ms_policy keys; port ranges become ms_policy_ranges
/// blocks, and their endpoint is flagged for that direction so the data path looks there.
/// </summary>
internal sealed record DesiredMaps(
    Dictionary<uint, EndpointValue> Endpoints,
    Dictionary<IpCacheKey, IpCacheValue> IpCache,
    Dictionary<IpCacheKey, IpCacheValue> IpCacheHosts,
    Dictionary<PolicyKey, PolicyValue> Policy,
    Dictionary<PolicyRangeKey, PolicyValue> PolicyRanges,
    Dictionary<SourceAddressKey, SourceAddressValue> SourceAddresses,
    IReadOnlyList<string> PresentInterfaces,
    IReadOnlyList<string> MissingInterfaces,
    IReadOnlyList<RefusedInterface> RefusedInterfaces,
    IReadOnlyDictionary<uint, string> InterfaceNames)
{
    public static DesiredMaps From(NodeRules rules, Func<string, InterfaceLookup> resolve)
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
        var rangeDirections = rules.Policy.Where(IsRange).Select(p => (p.WorkloadId, p.Direction)).ToHashSet();
        var missing = new List<string>();
        var refused = new List<RefusedInterface>();
        var names = new Dictionary<uint, string>();
        foreach (var ep in rules.Endpoints)
        {
            var lookup = resolve(ep.Interface);
            if (lookup.Refusal is { } reason)
            {
                refused.Add(new RefusedInterface(ep.Interface, reason));
                continue;
            }
            var ifindex = lookup.IfIndex;
            if (ifindex <= 0)
            {
                missing.Add(ep.Interface);
                continue;
            }
            present.Add(ep.Interface);
            names[(uint)ifindex] = ep.Interface;
            ifindexByWorkload[ep.WorkloadId] = (uint)ifindex;
            // Anti-spoofing: the workload may send only from its own addresses. One registered
            // without addresses cannot be checked, so it is explicitly exempt rather than cut off.
            // Every address goes to ms_source_addrs; the endpoint entry also holds one of each
            // family (WithSources), so a new flow from those needs no probe of that map.
            var addresses = ep.Addresses.Select(IPAddress.Parse).ToList();
            foreach (var address in addresses)
                sources[new SourceAddressKey((uint)ifindex, address)] = default;
            // Allow-only lets the data path skip deny probes for a direction that has no deny entries.
            var flags = (ep.IngressIsolated ? EndpointFlags.IngressIsolated : EndpointFlags.None)
                | (ep.EgressIsolated ? EndpointFlags.EgressIsolated : EndpointFlags.None)
                | (ep.Addresses.Count == 0 ? EndpointFlags.NoSourceCheck : EndpointFlags.None)
                | (denyDirections.Contains((ep.WorkloadId, Grains.Interfaces.Nodes.TrafficDirection.Ingress)) ? EndpointFlags.None : EndpointFlags.IngressAllowOnly)
                | (denyDirections.Contains((ep.WorkloadId, Grains.Interfaces.Nodes.TrafficDirection.Egress)) ? EndpointFlags.None : EndpointFlags.EgressAllowOnly)
                | (rangeDirections.Contains((ep.WorkloadId, Grains.Interfaces.Nodes.TrafficDirection.Ingress)) ? EndpointFlags.IngressRanges : EndpointFlags.None)
                | (rangeDirections.Contains((ep.WorkloadId, Grains.Interfaces.Nodes.TrafficDirection.Egress)) ? EndpointFlags.EgressRanges : EndpointFlags.None);
            endpoints[(uint)ifindex] = new EndpointValue(
                ep.Identity, ep.Mode == EnforcementMode.Monitor ? EndpointMode.Monitor : EndpointMode.Protect, flags)
                .WithSources(addresses);
        }

        // Single addresses go to the hash (one probe), blocks to the trie.
        var ipcache = new Dictionary<IpCacheKey, IpCacheValue>(ByteComparer<IpCacheKey>.Instance);
        var hosts = new Dictionary<IpCacheKey, IpCacheValue>(ByteComparer<IpCacheKey>.Instance);
        foreach (var rule in rules.IpCache)
        {
            var key = IpCacheKey.FromCidr(rule.Cidr);
            (key.IsHost ? hosts : ipcache)[key] = new IpCacheValue(rule.Identity);
        }

        var policy = new Dictionary<PolicyKey, PolicyValue>(ByteComparer<PolicyKey>.Instance);
        var ranges = new List<PortRangeRule>();
        foreach (var entry in rules.Policy)
        {
            if (!ifindexByWorkload.TryGetValue(entry.WorkloadId, out var ifindex))
                continue;
            var direction = entry.Direction == Grains.Interfaces.Nodes.TrafficDirection.Ingress ? BpfDirection.Ingress : BpfDirection.Egress;
            var value = new PolicyValue(entry.RuleId, entry.Action == Grains.Interfaces.Policies.PolicyAction.Deny ? BpfAction.Deny : BpfAction.Allow);
            if (IsRange(entry))
                ranges.Add(new PortRangeRule(ifindex, direction, entry.RemoteIdentity, entry.Protocol, entry.Port, entry.EndPort, value));
            else
                policy[new PolicyKey(ifindex, entry.RemoteIdentity, entry.Port, entry.Protocol, direction)] = value;
        }
        WithPolicyKeyShapes(endpoints, policy.Keys);
        return new DesiredMaps(endpoints, ipcache, hosts, policy, Bpf.PolicyRanges.Encode(ranges), sources, present, missing, refused, names);
    }

    private static bool IsRange(PolicyEntry entry) => entry.EndPort > entry.Port;

    /// <summary>Tells each endpoint which policy key shapes it has no key of, per direction, so new flows skip those probes.</summary>
    private static void WithPolicyKeyShapes(Dictionary<uint, EndpointValue> endpoints, IEnumerable<PolicyKey> keys)
    {
        var present = new Dictionary<uint, (PolicyKeyShapes Ingress, PolicyKeyShapes Egress)>();
        foreach (var key in keys)
        {
            var shapes = present.GetValueOrDefault(key.IfIndex);
            if (key.Direction == BpfDirection.Ingress)
                shapes.Ingress |= PolicyKeyShape.Of(key);
            else
                shapes.Egress |= PolicyKeyShape.Of(key);
            present[key.IfIndex] = shapes;
        }
        foreach (var ifindex in endpoints.Keys.ToList())
        {
            var shapes = present.GetValueOrDefault(ifindex);
            endpoints[ifindex] = endpoints[ifindex].WithPolicyKeys(shapes.Ingress, shapes.Egress);
        }
    }
}
