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
        foreach (var e in node.EntriesOf(w.Spec.Id, direction))
        {
            if (!Matches(e, remote, protocol, port))
                continue;
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

    /// <summary>The data plane's probes: this peer or any peer; this protocol's port, its range, any port, or any protocol.</summary>
    private static bool Matches(PolicyEntry e, uint remote, byte protocol, ushort port)
    {
        if (e.RemoteIdentity != remote && e.RemoteIdentity != ReservedIdentities.Any)
            return false;
        if (e.Protocol == 0)
            return e.Port == 0;
        if (e.Protocol != protocol)
            return false;
        if (e.Port == 0)
            return true;
        if (port == 0)
            return false;
        return e.EndPort > e.Port ? port >= e.Port && port <= e.EndPort : port == e.Port;
    }

    private CompiledNode NodeOf(string node)
    {
        if (!_nodes.TryGetValue(node, out var compiled))
            _nodes[node] = compiled = new CompiledNode(NodeRuleCompiler.Compile(node, _model, new NodeIdAllocations(), _settings));
        return compiled;
    }

    private static string HostText(string address) =>
        CidrBlock.TryParse(address, out var block) ? block.Value.ToString() : address;

    /// <summary>One node's compiled rules, indexed for lookups.</summary>
    private sealed class CompiledNode
    {
        private readonly ILookup<(string, TrafficDirection), PolicyEntry> _entries;
        // Longest prefix first, so the first containing block is the longest-prefix match.
        private readonly (CidrBlock Block, uint Identity)[] _ipcache;

        public CompiledNode(CompiledRules rules)
        {
            Endpoints = rules.Endpoints.ToDictionary(e => e.WorkloadId, StringComparer.Ordinal);
            _entries = rules.Policy.ToLookup(e => (e.WorkloadId, e.Direction));
            _ipcache = rules.IpCache.Select(r => (CidrBlock.Parse(r.Cidr), r.Identity))
                .OrderByDescending(r => r.Item1.PrefixLength).ToArray();
        }

        public Dictionary<string, EndpointRule> Endpoints { get; }

        public IEnumerable<PolicyEntry> EntriesOf(string workload, TrafficDirection direction) => _entries[(workload, direction)];

        public uint Resolve(string address)
        {
            if (!CidrBlock.TryParse(address, out var host))
                return ReservedIdentities.World;
            foreach (var (block, identity) in _ipcache)
            {
                if (block.Family == host.Value.Family && block.Contains(host.Value))
                    return identity;
            }
            return ReservedIdentities.World;
        }
    }
}
