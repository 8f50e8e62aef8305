using MicroSeg.Grains.Interfaces.Identity;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Workloads;

namespace MicroSeg.Grains.Rules;

/// <summary>A peer a rule admits: an identity, and the workload behind it when there is one (for named ports).</summary>
internal readonly record struct Remote(uint Identity, WorkloadRecord? Workload);

/// <summary>
/// Who a policy selects and who its peers are, with Kubernetes semantics: a namespaced policy selects
/// only its namespace's workloads, and its peer selectors without a namespace selector stay in that
/// namespace; a peer with both selectors needs both to match.
/// </summary>
internal sealed class PolicyScope(NamespaceLabels namespaces)
{
    public bool Selects(PolicySpec policy, WorkloadRecord workload) =>
        (policy.Namespace is null || policy.Namespace == workload.Spec.Namespace)
        && LabelSelectorMatcher.Matches(policy.Selector, workload.Spec.Labels);

    public IReadOnlyList<Remote> Remotes(
        PolicySpec policy, IReadOnlyList<PolicyPeer>? peers, IReadOnlyList<WorkloadRecord> workloads, Dictionary<CidrBlock, uint> cidrIdentities)
    {
        if (peers is null || peers.Count == 0)
            return [new Remote(ReservedIdentities.Any, null)];
        var result = new List<Remote>();
        foreach (var peer in peers)
        {
            if (peer.Cidr is null)
            {
                result.AddRange(workloads.Where(w => PeerSelects(policy, peer, w)).Select(w => new Remote(w.Identity, w)));
                continue;
            }
            // A block selects every known block inside it (longest-prefix match gives an address the most
            // specific block's identity), except the blocks inside an 'except'.
            var block = CidrBlock.Parse(peer.Cidr);
            var except = (peer.Except ?? []).Select(CidrBlock.Parse).ToList();
            foreach (var (inner, id) in cidrIdentities)
            {
                if (block.Contains(inner) && !except.Any(e => e.Contains(inner)))
                    result.Add(new Remote(id, null));
            }
        }
        return result;
    }

    private bool PeerSelects(PolicySpec policy, PolicyPeer peer, WorkloadRecord w)
    {
        var inNamespace = peer.NamespaceSelector is { } namespaceSelector
            ? LabelSelectorMatcher.Matches(namespaceSelector, namespaces.Of(w.Spec.Namespace))
            : policy.Namespace is null || policy.Namespace == w.Spec.Namespace;
        return inNamespace && (peer.Selector is null || LabelSelectorMatcher.Matches(peer.Selector, w.Spec.Labels));
    }
}
