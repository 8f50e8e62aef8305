using MicroSeg.Grains.Interfaces.Identity;
using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Interfaces.Policies;

namespace MicroSeg.Grains.Rules;

/// <summary>
/// One node's rules (compiled, or as a node grain deploys them), indexed as the agent writes them into the maps and
/// probed in Bpf/lib/policy.h's order, so the first allow found is the one the data plane reports.
/// </summary>
internal sealed class NodeRuleLookup
{
    // Single-port, any-port and any-protocol entries by their exact map key (the entry set holds one per key).
    private readonly Dictionary<(string, TrafficDirection, uint, byte, ushort), PolicyEntry> _exact = [];
    // Port ranges per endpoint and direction: few, so scanned.
    private readonly Dictionary<(string, TrafficDirection), List<PolicyEntry>> _ranges = [];
    private readonly Dictionary<string, uint> _hosts = new(StringComparer.Ordinal);
    // Blocks wider than one host, longest prefix first, so the first containing block is the longest-prefix match.
    private readonly (CidrBlock Block, uint Identity)[] _blocks;

    public NodeRuleLookup(IReadOnlyList<EndpointRule> endpoints, IReadOnlyList<IpCacheRule> ipCache, IReadOnlyList<PolicyEntry> policy)
    {
        Endpoints = endpoints.ToDictionary(e => e.WorkloadId, StringComparer.Ordinal);
        foreach (var e in policy)
        {
            if (e.EndPort > e.Port)
            {
                if (!_ranges.TryGetValue((e.WorkloadId, e.Direction), out var list))
                    _ranges[(e.WorkloadId, e.Direction)] = list = [];
                list.Add(e);
            }
            else
                _exact[(e.WorkloadId, e.Direction, e.RemoteIdentity, e.Protocol, e.Port)] = e;
        }
        var blocks = new List<(CidrBlock, uint)>();
        foreach (var rule in ipCache)
        {
            var block = CidrBlock.Parse(rule.Cidr);
            if (block.PrefixLength == block.Width)
                _hosts[block.ToString()] = rule.Identity;
            else
                blocks.Add((block, rule.Identity));
        }
        _blocks = [.. blocks.OrderByDescending(b => b.Item1.PrefixLength)];
    }

    public Dictionary<string, EndpointRule> Endpoints { get; }

    /// <summary>
    /// The entries the data plane's probes find, most specific first as ms_policy_decide probes them: for this peer,
    /// then for any peer, the exact port, a range holding it, any port of the protocol; then any protocol for this
    /// peer, then for any peer. ICMP and other portless protocols skip the port and range probes.
    /// </summary>
    public IEnumerable<PolicyEntry> Matching(string workload, TrafficDirection direction, uint remote, byte protocol, ushort port)
    {
        var peers = remote == ReservedIdentities.Any ? [remote] : new[] { remote, ReservedIdentities.Any };
        _ranges.TryGetValue((workload, direction), out var ranges);
        foreach (var peer in peers)
        {
            if (port != 0 && _exact.TryGetValue((workload, direction, peer, protocol, port), out var single))
                yield return single;
            if (port != 0 && ranges is not null)
            {
                foreach (var e in ranges)
                {
                    if (e.RemoteIdentity == peer && e.Protocol == protocol && port >= e.Port && port <= e.EndPort)
                        yield return e;
                }
            }
            if (_exact.TryGetValue((workload, direction, peer, protocol, 0), out var anyPort))
                yield return anyPort;
        }
        foreach (var peer in peers)
        {
            if (_exact.TryGetValue((workload, direction, peer, 0, 0), out var anyProtocol))
                yield return anyProtocol;
        }
    }

    public uint Resolve(string address)
    {
        if (!CidrBlock.TryParse(address, out var host))
            return ReservedIdentities.World;
        if (_hosts.TryGetValue(host.Value.ToString(), out var identity))
            return identity;
        foreach (var (block, blockIdentity) in _blocks)
        {
            if (block.Family == host.Value.Family && block.Contains(host.Value))
                return blockIdentity;
        }
        return ReservedIdentities.World;
    }
}
