using MicroSeg.Grains.Interfaces.Flows;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Recommendations;
using MicroSeg.Grains.Interfaces.Validation;
using MicroSeg.Grains.Interfaces.Workloads;

namespace MicroSeg.Grains.Recommendations;

/// <summary>What the engine proposes: draft policies, one explanation per rule, and coverage.</summary>
internal sealed record ProposedPolicies(IReadOnlyList<PolicySpec> Policies, IReadOnlyList<RuleExplanation> Explanations, RecommendationCoverage Coverage);

/// <summary>
/// Turns recorded flows into least-privilege allow policies. Pure: the same flows and workloads give the same
/// policies. Every workload group in scope (by the grouping label keys, within its namespace) gets one allow
/// policy (see <see cref="WorkloadGroup.Of"/>) that selects the group and lists ingress and egress (both, so both directions are isolated: a
/// workload admits and initiates exactly what it was seen to). Ingress admits each observed source (a group
/// selector, or a /32 or /128 block for an address outside every workload) on exactly the protocols and ports it
/// was seen on (sources seen on the same ports share a rule); egress likewise each observed destination. A group no flow touched gets empty lists: it is
/// isolated both ways, since nothing was seen that it needs.
/// </summary>
internal static class RecommendationEngine
{
    /// <summary>Most flow records one recommendation reads.</summary>
    public const int MaxFlows = 200_000;

    /// <param name="flows">The window's flow records (any order).</param>
    /// <param name="workloads">Every workload now: the labels in force decide the groups.</param>
    /// <param name="request">Namespace and grouping keys.</param>
    /// <param name="truncated">Whether the window held more than <paramref name="flows"/>.</param>
    public static ProposedPolicies Propose(IReadOnlyList<FlowRecord> flows, IReadOnlyList<WorkloadSpec> workloads, RecommendationRequest request, bool truncated = false)
    {
        var keys = request.LabelKeys;
        var byId = workloads.ToDictionary(w => w.Id, StringComparer.Ordinal);
        bool InScope(string ns) => request.Namespace is null || request.Namespace == ns;

        var groups = new SortedSet<WorkloadGroup>(workloads.Where(w => InScope(w.Namespace)).Select(w => WorkloadGroup.Of(w, keys)));
        var ingress = new Dictionary<WorkloadGroup, Dictionary<Peer, Evidence>>();
        var egress = new Dictionary<WorkloadGroup, Dictionary<Peer, Evidence>>();
        long denied = 0, unknown = 0, unsupported = 0, outOfScope = 0, used = 0;

        foreach (var flow in flows)
        {
            if (flow.Verdict == FlowWords.Of(FlowVerdict.Deny))
            {
                denied++;
                continue;
            }
            if (flow.Reason is not (FlowWords.Rule or FlowWords.DefaultDeny or FlowWords.NoPolicy)
                || ObservedPort.Of(flow.Protocol, flow.Dst.Port) is not { } port)
            {
                unsupported++;
                continue;
            }
            if (!TryPeer(flow.Src, out var src) || !TryPeer(flow.Dst, out var dst))
            {
                unknown++;
                continue;
            }
            var srcGroup = src.Group is { } s && InScope(s.Namespace) ? s : null;
            var dstGroup = dst.Group is { } d && InScope(d.Namespace) ? d : null;
            if (srcGroup is null && dstGroup is null)
            {
                outOfScope++;
                continue;
            }
            used++;
            if (dstGroup is not null)
                Add(ingress, dstGroup, src, port, flow, flow.Src.Workload);
            if (srcGroup is not null)
                Add(egress, srcGroup, dst, port, flow, flow.Dst.Workload);
        }

        bool TryPeer(FlowEndpoint end, out Peer peer)
        {
            if (end.Workload is null)
            {
                peer = CidrBlock.TryParse(end.Address, out var host) && host.Value.PrefixLength == host.Value.Width
                    ? new Peer(null, host.Value.ToString())
                    : default;
                return peer.Cidr is not null;
            }
            peer = byId.TryGetValue(end.Workload, out var w) ? new Peer(WorkloadGroup.Of(w, keys), null) : default;
            return peer.Group is not null;
        }

        var policies = new List<PolicySpec>();
        var explanations = new List<RuleExplanation>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var edges = 0;
        var untouched = 0;
        foreach (var group in groups)
        {
            var id = PolicyIdOf(group, ids);
            var inRules = Rules(id, group, "ingress", ingress.GetValueOrDefault(group), explanations);
            var outRules = Rules(id, group, "egress", egress.GetValueOrDefault(group), explanations);
            edges += ingress.GetValueOrDefault(group)?.Count ?? 0;
            edges += egress.GetValueOrDefault(group)?.Count(p => p.Key.Cidr is not null || (p.Key.Group is { } g && !InScope(g.Namespace))) ?? 0;
            if (inRules.Count == 0 && outRules.Count == 0)
                untouched++;
            var policy = new PolicySpec
            {
                Id = id,
                Namespace = group.Namespace,
                Selector = group.Selector(),
                Ingress = inRules,
                Egress = outRules,
                Action = PolicyAction.Allow,
                Draft = true,
            };
            var invalid = PolicyValidator.Validate(policy);
            if (invalid.Count > 0)
                throw new SpecValidationException(invalid);
            policies.Add(policy);
        }
        var coverage = new RecommendationCoverage(flows.Count, used, denied, unknown, unsupported, outOfScope, truncated,
            groups.Count, untouched, edges, MaxFlows);
        return new ProposedPolicies(policies, explanations, coverage);
    }

    private static void Add(Dictionary<WorkloadGroup, Dictionary<Peer, Evidence>> side, WorkloadGroup group, Peer peer, ObservedPort port, FlowRecord flow, string? peerWorkload)
    {
        if (!side.TryGetValue(group, out var peers))
            side[group] = peers = [];
        if (!peers.TryGetValue(peer, out var evidence))
            peers[peer] = evidence = new Evidence();
        evidence.Add(port, flow, peerWorkload);
    }

    /// <summary>
    /// The rules of one direction: peers seen on the same ports share a rule (a union, as several peers in one rule
    /// are), in chunks that keep within <see cref="ObjectLimits"/>; every peer gets its own explanation.
    /// </summary>
    private static List<PolicyRule> Rules(string policyId, WorkloadGroup group, string direction, Dictionary<Peer, Evidence>? peers, List<RuleExplanation> explanations)
    {
        var rules = new List<PolicyRule>();
        if (peers is null)
            return rules;
        // Workload groups first, then outside addresses, each in a stable order; rules in the order of their first peer.
        var ordered = peers.OrderBy(p => p.Key.Group is null).ThenBy(p => p.Key.ToString(), StringComparer.Ordinal).ToList();
        foreach (var samePorts in ordered.GroupBy(p => string.Join(',', p.Value.Ports)))
        {
            var ports = samePorts.First().Value.Ports.ToList();
            foreach (var peerChunk in samePorts.Chunk(ObjectLimits.Peers))
            {
                foreach (var portChunk in ports.Chunk(ObjectLimits.Ports))
                {
                    var policyPeers = peerChunk.Select(p => p.Key.Group is { } g ? g.PeerFor(group.Namespace) : new PolicyPeer { Cidr = p.Key.Cidr }).ToList();
                    var policyPorts = portChunk.Select(p => p.ToPolicyPort()).ToList();
                    rules.Add(direction == "ingress"
                        ? new PolicyRule { From = policyPeers, Ports = policyPorts }
                        : new PolicyRule { To = policyPeers, Ports = policyPorts });
                    foreach (var (peer, evidence) in peerChunk)
                    {
                        explanations.Add(new RuleExplanation(policyId, direction, rules.Count - 1, peer.ToString(),
                            portChunk.Select(p => p.ToString()).ToList(), evidence.Workloads.ToList(),
                            evidence.Flows, evidence.Connections, evidence.FirstSeen, evidence.LastSeen));
                    }
                }
            }
        }
        return rules;
    }

    /// <summary><c>rec.&lt;namespace&gt;.&lt;values&gt;</c> in id syntax; a hash of the group when that is not a valid id or is taken.</summary>
    internal static string PolicyIdOf(WorkloadGroup group, HashSet<string> taken)
    {
        var values = group.Values.Select(Slug).ToList();
        var readable = $"rec.{Slug(group.Namespace)}.{(values.Count == 0 ? "unlabelled" : string.Join('.', values))}";
        var id = NameRules.CheckId(readable, "id") is null && !taken.Contains(readable)
            ? readable
            : $"rec.{Slug(group.Namespace)}.g{Fnv(group.ToString()):x16}";
        for (var i = 2; !taken.Add(id); i++)
            id = $"{readable}-{i}";
        return id;
    }

    private static string Slug(string text)
    {
        var chars = text.ToLowerInvariant().Select(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-' ? c : '-').ToArray();
        var slug = new string(chars).Trim('-');
        return slug.Length == 0 ? "x" : slug;
    }

    private static ulong Fnv(string text)
    {
        var h = 14695981039346656037UL;
        foreach (var c in text)
            h = (h ^ c) * 1099511628211UL;
        return h;
    }

    /// <summary>The other end of an observed flow: a workload group, or an outside address as a host block.</summary>
    private readonly record struct Peer(WorkloadGroup? Group, string? Cidr)
    {
        public override string ToString() => Group?.ToString() ?? Cidr!;
    }

    /// <summary>What was seen between one group and one peer.</summary>
    private sealed class Evidence
    {
        public SortedSet<ObservedPort> Ports { get; } = [];

        public SortedSet<string> Workloads { get; } = new(StringComparer.Ordinal);

        public long Flows { get; private set; }

        public long Connections { get; private set; }

        public DateTimeOffset FirstSeen { get; private set; } = DateTimeOffset.MaxValue;

        public DateTimeOffset LastSeen { get; private set; } = DateTimeOffset.MinValue;

        public void Add(ObservedPort port, FlowRecord flow, string? workload)
        {
            Ports.Add(port);
            if (workload is not null)
                Workloads.Add(workload);
            Flows++;
            Connections += flow.Connections;
            if (flow.FirstSeen < FirstSeen)
                FirstSeen = flow.FirstSeen;
            if (flow.LastSeen > LastSeen)
                LastSeen = flow.LastSeen;
        }
    }
}
