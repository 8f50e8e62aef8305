using MicroSeg.Grains.Interfaces.Identity;
using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Rules;

namespace MicroSeg.Grains.Tests.Kubernetes;

/// <summary>
/// Answers "would this packet pass?" from compiled rules exactly as the data plane decides a new
/// flow (Bpf/lib/policy.h): remote identity by longest-prefix match, six wildcard probes plus a
/// range probe for the peer and for any peer, deny beats allow beats the isolation default; a flow
/// between two workloads must pass the source's egress and the destination's ingress.
/// </summary>
internal sealed class PolicyOracle(CompiledRules rules)
{
    public bool Allows(string? fromWorkload, string fromAddress, string? toWorkload, string toAddress, byte protocol, ushort port)
    {
        if (fromWorkload is not null && !Passes(fromWorkload, TrafficDirection.Egress, IdentityOf(toAddress), protocol, port))
            return false;
        return toWorkload is null || Passes(toWorkload, TrafficDirection.Ingress, IdentityOf(fromAddress), protocol, port);
    }

    private bool Passes(string workload, TrafficDirection direction, uint remote, byte protocol, ushort port)
    {
        var endpoint = rules.Endpoints.Single(e => e.WorkloadId == workload);
        var entries = rules.Policy.Where(e => e.WorkloadId == workload && e.Direction == direction).ToList();
        var dport = protocol is 6 or 17 or 132 ? port : (ushort)0;
        (uint, byte, ushort)[] probes =
        [
            (remote, protocol, dport), (remote, protocol, 0), (ReservedIdentities.Any, protocol, dport),
            (ReservedIdentities.Any, protocol, 0), (remote, 0, 0), (ReservedIdentities.Any, 0, 0),
        ];
        var matched = probes.Distinct()
            .Select(p => entries.FirstOrDefault(e => e.EndPort == 0 && (e.RemoteIdentity, e.Protocol, e.Port) == p))
            .Concat(entries.Where(e => e.EndPort != 0 && dport != 0 && e.Protocol == protocol
                && (e.RemoteIdentity == remote || e.RemoteIdentity == ReservedIdentities.Any) && e.Port <= dport && dport <= e.EndPort))
            .Where(e => e is not null)
            .ToList();
        if (matched.Any(e => e!.Action == PolicyAction.Deny))
            return false;
        if (matched.Count > 0)
            return true;
        return direction == TrafficDirection.Ingress ? !endpoint.IngressIsolated : !endpoint.EgressIsolated;
    }

    private uint IdentityOf(string address)
    {
        var host = CidrBlock.Parse(address);
        return rules.IpCache
            .Select(i => (Block: CidrBlock.Parse(i.Cidr), i.Identity))
            .Where(i => i.Block.Contains(host))
            .OrderByDescending(i => i.Block.PrefixLength)
            .Select(i => i.Identity)
            .DefaultIfEmpty(ReservedIdentities.World)
            .First();
    }
}
