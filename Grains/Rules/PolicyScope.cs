using System.Collections.Concurrent;
using MicroSeg.Grains.Interfaces.Identity;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Workloads;

namespace MicroSeg.Grains.Rules;

/// <summary>
/// A peer a rule admits: an identity and the workloads behind it (none for address blocks and
/// "any"); the workloads matter only for named ports.
/// </summary>
internal readonly record struct Remote(uint Identity, IReadOnlyList<WorkloadRecord> Workloads);

/// <summary>
/// Who a policy selects and who its peers are, with Kubernetes semantics: a namespaced policy selects
/// only its namespace's workloads, and its peer selectors without a namespace selector stay in that
/// namespace; a peer with both selectors needs both to match.
/// Selectors are evaluated once per identity (all workloads of an identity share labels and
/// namespace), and each selector peer's identities once per snapshot (shared by every node through
/// <see cref="ClusterRuleModel"/>), so a recompute costs policies × identities, not × workloads.
/// </summary>
internal sealed class PolicyScope
{
    private readonly IReadOnlyList<Remote> _groups;
    private static readonly IReadOnlyList<Remote> AnyRemote = [new Remote(ReservedIdentities.Any, [])];
    // Per selector-peer list (by reference; specs are immutable): the policy it belongs to and the groups it names.
    private readonly ConcurrentDictionary<object, Lazy<SelectedPeers>> _selected;

    private sealed record SelectedPeers(PolicySpec Policy, IReadOnlyList<PolicyPeer> Peers, IReadOnlyList<Remote> Remotes);

    /// <param name="namespaces">Labels of every namespace.</param>
    /// <param name="groups">Identity groups, ascending by identity, each with its workloads.</param>
    public PolicyScope(NamespaceLabels namespaces, IReadOnlyList<Remote> groups)
        : this(namespaces, groups, new ConcurrentDictionary<object, Lazy<SelectedPeers>>(ReferenceEqualityComparer.Instance))
    {
    }

    private PolicyScope(NamespaceLabels namespaces, IReadOnlyList<Remote> groups, ConcurrentDictionary<object, Lazy<SelectedPeers>> selected)
    {
        Namespaces = namespaces;
        _groups = groups;
        _selected = selected;
    }

    public NamespaceLabels Namespaces { get; }

    /// <summary>
    /// The scope of the same policies and namespaces over new identity groups, where only the identities in
    /// <paramref name="touched"/> changed: each selector peer's answer is carried over with just those
    /// identities re-examined, instead of every peer against every group again.
    /// </summary>
    public PolicyScope Next(IReadOnlyList<Remote> groups, IReadOnlySet<uint> touched)
    {
        var byIdentity = groups.Where(g => touched.Contains(g.Identity)).ToDictionary(g => g.Identity);
        var selected = new ConcurrentDictionary<object, Lazy<SelectedPeers>>(ReferenceEqualityComparer.Instance);
        var next = new PolicyScope(Namespaces, groups, selected);
        foreach (var (key, lazy) in _selected)
        {
            if (!lazy.IsValueCreated)
                continue;
            var old = lazy.Value;
            var gained = byIdentity.Values.Where(g => next.AnySelects(old.Policy, old.Peers, g)).ToList();
            // Most peers name none of the changed identities: they keep their answer as it is.
            if (gained.Count == 0 && !old.Remotes.Any(r => touched.Contains(r.Identity)))
            {
                selected[key] = lazy;
                continue;
            }
            var remotes = old.Remotes.Where(r => !touched.Contains(r.Identity)).Concat(gained).OrderBy(r => r.Identity).ToList();
            selected[key] = new Lazy<SelectedPeers>(old with { Remotes = remotes });
        }
        return next;
    }

    public bool Selects(PolicySpec policy, WorkloadRecord workload) =>
        (policy.Namespace is null || policy.Namespace == workload.Spec.Namespace)
        && LabelSelectorMatcher.Matches(policy.Selector, workload.Spec.Labels);

    public IReadOnlyList<Remote> Remotes(PolicySpec policy, IReadOnlyList<PolicyPeer>? peers, NodeAddressBlocks addressBlocks)
    {
        if (peers is null || peers.Count == 0)
            return AnyRemote;
        // Selector peers depend only on the snapshot, so their answer is shared by every node; address
        // blocks (and workload addresses split by them) map to node-local identities and are resolved per call.
        var selected = addressBlocks.WithSplits(_selected.GetOrAdd(peers, _ => new Lazy<SelectedPeers>(() =>
            new SelectedPeers(policy, peers, _groups.Where(g => AnySelects(policy, peers, g)).ToList()))).Value.Remotes);
        if (peers.All(p => p.Cidr is null))
            return selected;

        var result = new List<Remote>(selected);
        foreach (var peer in peers.Where(p => p.Cidr is not null))
        {
            // A block selects every known block and workload address inside it (longest-prefix match gives an
            // address the most specific entry's identity), except what lies inside an 'except'.
            var except = (peer.Except ?? []).Select(CidrBlock.Parse).ToList();
            result.AddRange(addressBlocks.Within(CidrBlock.Parse(peer.Cidr!), except));
        }
        return result;
    }

    /// <summary>
    /// Whether <paramref name="policy"/> names <paramref name="w"/> as a peer: a rule's selector peer matches
    /// it, a rule's block contains one of its addresses, or an any-peer egress rule resolves named ports
    /// (which reads every workload's ports).
    /// </summary>
    public bool NamesAsPeer(PolicySpec policy, WorkloadRecord w)
    {
        foreach (var (rule, peers, egress) in (policy.Ingress ?? []).Select(r => (r, r.From, false)).Concat((policy.Egress ?? []).Select(r => (r, r.To, true))))
        {
            if (peers is null || peers.Count == 0)
            {
                if (egress && (rule.Ports ?? []).Any(p => p.Port is { Name: not null }))
                    return true;
                continue;
            }
            foreach (var peer in peers)
            {
                if (peer.Cidr is null ? PeerSelects(policy, peer, w) : SpecFacts.Of(w.Spec).Hosts.Any(CidrBlock.Parse(peer.Cidr).Contains))
                    return true;
            }
        }
        return false;
    }

    /// <summary>Identity groups: one representative workload's labels stand for the whole group.</summary>
    public IReadOnlyList<Remote> Groups => _groups;

    /// <summary>Whether a selector peer (not an address block) among <paramref name="peers"/> names <paramref name="group"/>.</summary>
    private bool AnySelects(PolicySpec policy, IReadOnlyList<PolicyPeer> peers, Remote group) =>
        peers.Any(peer => peer.Cidr is null && PeerSelects(policy, peer, group.Workloads[0]));

    private bool PeerSelects(PolicySpec policy, PolicyPeer peer, WorkloadRecord w)
    {
        var inNamespace = peer.NamespaceSelector is { } namespaceSelector
            ? LabelSelectorMatcher.Matches(namespaceSelector, Namespaces.Of(w.Spec.Namespace))
            : policy.Namespace is null || policy.Namespace == w.Spec.Namespace;
        return inNamespace && (peer.Selector is null || LabelSelectorMatcher.Matches(peer.Selector, w.Spec.Labels));
    }
}
