using System.Net;
using MicroSeg.Grains.Interfaces.Identity;
using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Workloads;

namespace MicroSeg.Api.Explain;

/// <summary>
/// Explains the verdict the data plane gives a new connection, from the same effective rules the node grains push
/// to the agents (GET /api/v1/nodes/{name}/rules) and in the order Bpf/lib/policy.h probes them: the peer's identity
/// from the node's ipcache (exact host, else longest prefix, else world); then the entries of the workload and
/// direction from most to least specific (peer+protocol+port, peer+range, peer+protocol, any+protocol+port,
/// any+range, any+protocol, peer, any). Any deny wins; else the most specific allow; else default deny when the
/// direction is isolated, default allow when not.
/// </summary>
internal static class VerdictExplainer
{
    /// <summary>One direction at one workload: what its node's rules say about the connection.</summary>
    public static DirectionVerdict Decide(NodeRules rules, EndpointRule endpoint, TrafficDirection direction, IPAddress peer, byte protocol, ushort port)
    {
        var remote = IdentityOf(rules.IpCache, peer);
        var hasPorts = protocol is 6 or 17 or 132;
        var p = hasPorts ? port : (ushort)0;
        var entries = rules.Policy.Where(e => e.WorkloadId == endpoint.WorkloadId && e.Direction == direction).ToList();
        PolicyEntry? allow = null;
        foreach (var probe in Probes(remote, protocol, p))
        {
            foreach (var entry in entries.Where(probe))
            {
                if (entry.Action == PolicyAction.Deny)
                    return Verdict(endpoint, direction, remote, "policy-deny", entry);
                allow ??= entry;
            }
        }
        if (allow is not null)
            return Verdict(endpoint, direction, remote, "policy-allow", allow);
        var isolated = direction == TrafficDirection.Ingress ? endpoint.IngressIsolated : endpoint.EgressIsolated;
        return Verdict(endpoint, direction, remote, isolated ? "default-deny" : "default-allow", null);
    }

    /// <summary>The probes in the data plane's order, as predicates over a workload's entries of one direction.</summary>
    private static IEnumerable<Func<PolicyEntry, bool>> Probes(uint remote, byte protocol, ushort port)
    {
        foreach (var peer in new[] { remote, ReservedIdentities.Any })
        {
            if (port != 0)
            {
                yield return e => e.RemoteIdentity == peer && e.Protocol == protocol && e.Port == port && e.EndPort == 0;
                yield return e => e.RemoteIdentity == peer && e.Protocol == protocol && e.EndPort != 0 && e.Port <= port && port <= e.EndPort;
            }
            yield return e => e.RemoteIdentity == peer && e.Protocol == protocol && e.Port == 0;
        }
        yield return e => e.RemoteIdentity == remote && e.Protocol == 0;
        yield return e => e.RemoteIdentity == ReservedIdentities.Any && e.Protocol == 0;
    }

    /// <summary>The identity the node maps an address to: a workload's own address, else the narrowest block holding it, else world.</summary>
    public static uint IdentityOf(IReadOnlyList<IpCacheRule> ipCache, IPAddress address)
    {
        var best = (Length: -1, Identity: ReservedIdentities.World);
        foreach (var rule in ipCache)
        {
            if (!IPNetwork.TryParse(rule.Cidr, out var block) && !TryHost(rule.Cidr, out block))
                continue;
            if (block.BaseAddress.AddressFamily == address.AddressFamily && block.Contains(address) && block.PrefixLength > best.Length)
                best = (block.PrefixLength, rule.Identity);
        }
        return best.Identity;
    }

    private static bool TryHost(string text, out IPNetwork block)
    {
        block = default;
        if (!IPAddress.TryParse(text, out var host))
            return false;
        block = new IPNetwork(host, host.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
        return true;
    }

    private static DirectionVerdict Verdict(EndpointRule endpoint, TrafficDirection direction, uint remote, string reason, PolicyEntry? entry)
    {
        var allowed = reason is "policy-allow" or "default-allow";
        var monitor = endpoint.Mode == EnforcementMode.Monitor;
        return new DirectionVerdict(
            endpoint.WorkloadId,
            direction,
            // A workload in monitor mode passes what protect mode would drop, and reports it as "would deny".
            Allowed: allowed || monitor,
            Reason: reason,
            Rule: entry?.Source,
            Policy: entry?.Source.Split('/')[0],
            Mode: endpoint.Mode,
            RemoteIdentity: remote,
            WouldDeny: !allowed && monitor);
    }
}
