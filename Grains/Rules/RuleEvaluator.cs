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

/// <summary>What one end's rules decide for one direction of a connection, in protect mode.</summary>
/// <param name="Endpoint">The enforcing endpoint as its node has it (its mode says whether protect mode applies).</param>
/// <param name="RemoteIdentity">The identity the node resolves the peer's address to.</param>
/// <param name="Verdict">The protect-mode verdict and what decided it.</param>
internal sealed record SideDecision(EndpointRule Endpoint, uint RemoteIdentity, EvaluatedVerdict Verdict);

/// <summary>
/// Answers "would this connection pass?" for a cluster snapshot by compiling each involved node's rules with
/// <see cref="NodeRuleCompiler"/> (the very entries the agents write) and looking them up as the data plane does
/// (Bpf/lib/policy.h): the remote address resolves to an identity by exact host, else longest prefix, else WORLD;
/// any matching deny wins, else any matching allow, else the isolated direction's default deny. The source's
/// egress is checked first, then the destination's ingress; an address that is no endpoint is not enforced.
/// Evaluates in protect mode: a what-if asks what enforcing would do. The one place that decides: simulations,
/// recommendations and GET /api/v1/why all ask it.
/// </summary>
internal sealed class RuleEvaluator
{
    private readonly ClusterRuleModel _model;
    private readonly EnforcementSettings _settings;
    private readonly Dictionary<string, WorkloadRecord> _byAddress = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NodeRuleLookup> _nodes = new(StringComparer.Ordinal);

    /// <summary>An evaluator that compiles each node's rules from <paramref name="model"/> as the node grains would.</summary>
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

    /// <summary>
    /// An evaluator that looks up the rules the node grains deploy for the nodes of <paramref name="deployed"/>
    /// (their identity numbers are the ones the agents use) and compiles the others from <paramref name="model"/>.
    /// </summary>
    public RuleEvaluator(ClusterRuleModel model, IEnumerable<NodeRules> deployed, EnforcementSettings? settings = null)
        : this(model, settings)
    {
        foreach (var rules in deployed)
            _nodes[rules.Node] = new NodeRuleLookup(rules.Endpoints, rules.IpCache, rules.Policy);
    }

    /// <summary>The verdict for a new connection from <paramref name="src"/> to <paramref name="dst"/> on <paramref name="protocol"/>/<paramref name="port"/>.</summary>
    public EvaluatedVerdict Evaluate(string src, string dst, byte protocol, int? port)
    {
        EvaluatedVerdict? egress = null;
        if (Endpoint(src) is { } from)
        {
            egress = VerdictOf(from, TrafficDirection.Egress, dst, protocol, port);
            if (!egress.Allowed)
                return egress;
        }
        if (Endpoint(dst) is { } to)
            return VerdictOf(to, TrafficDirection.Ingress, src, protocol, port);
        return egress ?? new EvaluatedVerdict(true, "no-policy", "none", null);
    }

    /// <summary>
    /// What <paramref name="workload"/>'s node decides for one direction of a connection with the peer at
    /// <paramref name="remoteAddress"/>; null when the workload is unknown or its node does not enforce on it.
    /// </summary>
    public SideDecision? Decide(string workload, TrafficDirection direction, string remoteAddress, byte protocol, int? port)
    {
        var w = _model.Workloads.FirstOrDefault(x => x.Spec.Id == workload);
        return w is null ? null : Decide(w, direction, remoteAddress, protocol, port);
    }

    private WorkloadRecord? Endpoint(string address) =>
        _byAddress.TryGetValue(HostText(address), out var w) && w.Spec.Interface is not null ? w : null;

    private EvaluatedVerdict VerdictOf(WorkloadRecord w, TrafficDirection direction, string remoteAddress, byte protocol, int? port) =>
        Decide(w, direction, remoteAddress, protocol, port)?.Verdict ?? new EvaluatedVerdict(true, "no-policy", SideText(w, direction), null);

    private SideDecision? Decide(WorkloadRecord w, TrafficDirection direction, string remoteAddress, byte protocol, int? port)
    {
        var node = NodeOf(w.Spec.Node);
        if (!node.Endpoints.TryGetValue(w.Spec.Id, out var endpoint))
            return null;
        var p = protocol is 6 or 17 or 132 ? (ushort)(port ?? 0) : (ushort)0;
        var side = SideText(w, direction);
        var remote = node.Resolve(remoteAddress);
        PolicyEntry? allow = null;
        foreach (var e in node.Matching(w.Spec.Id, direction, remote, protocol, p))
        {
            if (e.Action == PolicyAction.Deny)
                return new SideDecision(endpoint, remote, new EvaluatedVerdict(false, "rule", side, e.Source));
            allow ??= e;
        }
        if (allow is not null)
            return new SideDecision(endpoint, remote, new EvaluatedVerdict(true, "rule", side, allow.Source));
        var isolated = direction == TrafficDirection.Ingress ? endpoint.IngressIsolated : endpoint.EgressIsolated;
        if (!isolated)
            return new SideDecision(endpoint, remote, new EvaluatedVerdict(true, "no-policy", side, null));
        var isolating = _model.Selecting(w)
            .Where(pol => pol.Action == PolicyAction.Allow && (direction == TrafficDirection.Ingress ? pol.Ingress : pol.Egress) is not null)
            .Select(pol => pol.Id).Min(StringComparer.Ordinal);
        return new SideDecision(endpoint, remote, new EvaluatedVerdict(false, "default-deny", side, isolating));
    }

    private static string SideText(WorkloadRecord w, TrafficDirection direction) =>
        $"{(direction == TrafficDirection.Ingress ? "ingress" : "egress")} of {w.Spec.Id}";

    private NodeRuleLookup NodeOf(string node)
    {
        if (!_nodes.TryGetValue(node, out var lookup))
        {
            var compiled = NodeRuleCompiler.Compile(node, _model, new NodeIdAllocations(), _settings);
            _nodes[node] = lookup = new NodeRuleLookup(compiled.Endpoints, compiled.IpCache, compiled.Policy);
        }
        return lookup;
    }

    private static string HostText(string address) =>
        CidrBlock.TryParse(address, out var block) ? block.Value.ToString() : address;
}
