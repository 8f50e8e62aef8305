using MicroSeg.Grains.Interfaces.Identity;
using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Settings;
using MicroSeg.Grains.Interfaces.Workloads;

namespace MicroSeg.Grains.Rules;

/// <summary>The verdict a new connection would get in protect mode, and what decided it.</summary>
/// <param name="Allowed">Whether both ends' programs would let it through.</param>
/// <param name="Reason">"rule" (an allow or deny rule), "default-deny" or "no-policy".</param>
/// <param name="Side">"egress of &lt;workload&gt;", "ingress of &lt;workload&gt;", or "none" when neither end is enforced.</param>
/// <param name="Source">The deciding rule (<c>policy/direction/index</c>), or for default-deny the isolating policy; null for no-policy.</param>
internal sealed record EvaluatedVerdict(bool Allowed, string Reason, string Side, string? Source)
{
    public override string ToString() => Source is null ? $"{Side}: {Reason}" : $"{Side}: {Reason} ({Source})";
}

/// <summary>
/// Answers "would this connection pass?" for a cluster snapshot by compiling each involved node's rules with
/// <see cref="NodeRuleCompiler"/> (the very entries the agents write) and looking them up as the data plane does
/// (Bpf/lib/policy.h): the remote address resolves to an identity by exact host, else longest prefix, else WORLD;
/// any matching deny wins, else any matching allow, else the isolated direction's default deny. The source's
/// egress is checked first, then the destination's ingress; an address that is no endpoint is not enforced.
/// Evaluates in protect mode: a what-if asks what enforcing would do.
/// </summary>
internal sealed class RuleEvaluator
{
    private readonly ClusterRuleModel _model;
    private readonly EnforcementSettings _settings;
    private readonly Dictionary<string, WorkloadRecord> _byAddress = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CompiledNode> _nodes = new(StringComparer.Ordinal);

    public RuleEvaluator(ClusterRuleModel model, EnforcementSettings? settings = null)
    {
        _model = model;
        _settings = settings ?? new EnforcementSettings();
        foreach (var w in model.Workloads)
        {
            foreach (var address in w.Spec.Addresses)
                _byAddress[HostText(address)] = w;
        }
    }

    /// <summary>The verdict for a new connection from <paramref name="src"/> to <paramref name="dst"/> on <paramref name="protocol"/>/<paramref name="port"/>.</summary>
    public EvaluatedVerdict Evaluate(string src, string dst, byte protocol, int? port)
    {
        var hasPorts = protocol is 6 or 17 or 132;
        var p = hasPorts ? (ushort)(port ?? 0) : (ushort)0;
        EvaluatedVerdict? egress = null;
        if (Endpoint(src) is { } from)
        {
            egress = Decide(from, TrafficDirection.Egress, dst, protocol, p);
            if (!egress.Allowed)
                return egress;
        }
        if (Endpoint(dst) is { } to)
            return Decide(to, TrafficDirection.Ingress, src, protocol, p);
        return egress ?? new EvaluatedVerdict(true, "no-policy", "none", null);
    }

    private WorkloadRecord? Endpoint(string address) =>
        _byAddress.TryGetValue(HostText(address), out var w) && w.Spec.Interface is not null ? w : null;

    private EvaluatedVerdict Decide(WorkloadRecord w, TrafficDirection direction, string remoteAddress, byte protocol, ushort port)
    {
        var node = NodeOf(w.Spec.Node);
        var side = $"{(direction == TrafficDirection.Ingress ? "ingress" : "egress")} of {w.Spec.Id}";
        if (!node.Endpoints.TryGetValue(w.Spec.Id, out var endpoint))
            return new EvaluatedVerdict(true, "no-policy", side, null);
        var remote = node.Resolve(remoteAddress);
        PolicyEntry? allow = null;
        foreach (var e in node.Matching(w.Spec.Id, direction, remote, protocol, port))
        {
            if (e.Action == PolicyAction.Deny)
                return new EvaluatedVerdict(false, "rule", side, e.Source);
            allow ??= e;
        }
        if (allow is not null)
            return new EvaluatedVerdict(true, "rule", side, allow.Source);
        var isolated = direction == TrafficDirection.Ingress ? endpoint.IngressIsolated : endpoint.EgressIsolated;
        if (!isolated)
            return new EvaluatedVerdict(true, "no-policy", side, null);
        var isolating = _model.Selecting(w)
            .Where(pol => pol.Action == PolicyAction.Allow && (direction == TrafficDirection.Ingress ? pol.Ingress : pol.Egress) is not null)
            .Select(pol => pol.Id).Min(StringComparer.Ordinal);
        return new EvaluatedVerdict(false, "default-deny", side, isolating);
    }

    private CompiledNode NodeOf(string node)
    {
        if (!_nodes.TryGetValue(node, out var compiled))
            _nodes[node] = compiled = new CompiledNode(NodeRuleCompiler.Compile(node, _model, new NodeIdAllocations(), _settings));
        return compiled;
    }

    private static string HostText(string address) =>
        CidrBlock.TryParse(address, out var block) ? block.Value.ToString() : address;

    /// <summary>One node's compiled rules, indexed as the agent writes them into the maps.</summary>
    private sealed class CompiledNode
    {
        // Single-port, any-port and any-protocol entries by their exact map key (the entry set holds one per key).
        private readonly Dictionary<(string, TrafficDirection, uint, byte, ushort), PolicyEntry> _exact = [];
        // Port ranges per endpoint and direction: few, so scanned.
        private readonly Dictionary<(string, TrafficDirection), List<PolicyEntry>> _ranges = [];
        private readonly Dictionary<string, uint> _hosts = new(StringComparer.Ordinal);
        // Blocks wider than one host, longest prefix first, so the first containing block is the longest-prefix match.
        private readonly (CidrBlock Block, uint Identity)[] _blocks;

        public CompiledNode(CompiledRules rules)
        {
            Endpoints = rules.Endpoints.ToDictionary(e => e.WorkloadId, StringComparer.Ordinal);
            foreach (var e in rules.Policy)
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
            foreach (var rule in rules.IpCache)
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
        /// The entries the data plane's probes find: this peer or any peer, on this port, a range holding it, any port
        /// of the protocol, or any protocol (ICMP and other portless protocols only match the last two).
        /// </summary>
        public IEnumerable<PolicyEntry> Matching(string workload, TrafficDirection direction, uint remote, byte protocol, ushort port)
        {
            foreach (var peer in remote == ReservedIdentities.Any ? [remote] : new[] { remote, ReservedIdentities.Any })
            {
                if (port != 0 && _exact.TryGetValue((workload, direction, peer, protocol, port), out var single))
                    yield return single;
                if (_exact.TryGetValue((workload, direction, peer, protocol, 0), out var anyPort))
                    yield return anyPort;
                if (_exact.TryGetValue((workload, direction, peer, 0, 0), out var anyProtocol))
                    yield return anyProtocol;
            }
            if (port != 0 && _ranges.TryGetValue((workload, direction), out var ranges))
            {
                foreach (var e in ranges)
                {
                    if ((e.RemoteIdentity == remote || e.RemoteIdentity == ReservedIdentities.Any) && e.Protocol == protocol && port >= e.Port && port <= e.EndPort)
                        yield return e;
                }
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
}
