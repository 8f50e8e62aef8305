using System.Collections.Concurrent;
using MicroSeg.Grains.Interfaces.Namespaces;
using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Workloads;

namespace MicroSeg.Grains.Rules;

/// <summary>An address of some workload, with the ipcache rule every node that names its identity carries.</summary>
internal readonly record struct ClusterHost(IpCacheRule Rule, CidrBlock Block);

/// <summary>
/// What every node's computation derives from one snapshot of the cluster (workloads, active policies,
/// namespace labels) and that does not depend on the node: identity groups, the host table in ipcache
/// order, which policies select each identity and which identities each selector peer names. A change
/// fans out to many nodes at once; they share one model instead of each re-deriving it from the whole
/// cluster, which keeps a node's recompute proportional to its own endpoints.
/// Immutable once built; the lazily filled caches are safe to share between node grains running on
/// different threads.
/// </summary>
internal sealed class ClusterRuleModel
{
    private static readonly Lock SharedGate = new();
    private static ClusterRuleModel? _latest;

    // The snapshots this model was built from, as handed out by the index grains (compared by reference).
    private IReadOnlyList<PolicySpec>? _policiesSource;
    private IReadOnlyList<NamespaceSpec>? _namespacesSource;

    // Lazy values: node grains of one fan-out ask for the same entries at once, and each must be built once.
    private readonly ConcurrentDictionary<uint, Lazy<Selection>> _selecting = new();
    private readonly ConcurrentDictionary<string, Lazy<IpCacheTable>> _ipcaches = new(StringComparer.Ordinal);
    private readonly Lazy<ClusterHost[]> _hosts;
    private readonly Lazy<HashSet<CidrBlock>> _hostSet;
    private readonly Lazy<ILookup<string, WorkloadRecord>> _byNode;

    public ClusterRuleModel(IReadOnlyList<WorkloadRecord> workloads, IReadOnlyList<PolicySpec> policies, NamespaceLabels namespaces)
    {
        Workloads = workloads;
        Policies = policies.Where(p => !p.Draft).ToList();
        Scope = new PolicyScope(namespaces, workloads);
        _hosts = new Lazy<ClusterHost[]>(() => BuildHosts(workloads));
        _hostSet = new Lazy<HashSet<CidrBlock>>(() => _hosts.Value.Select(h => h.Block).ToHashSet());
        _byNode = new Lazy<ILookup<string, WorkloadRecord>>(() => workloads
            .Where(w => w.Spec.Interface is not null)
            .OrderBy(w => w.Spec.Id, StringComparer.Ordinal)
            .ToLookup(w => w.Spec.Node, StringComparer.Ordinal));
    }

    public IReadOnlyList<WorkloadRecord> Workloads { get; }

    /// <summary>Policies in force (drafts left out).</summary>
    public IReadOnlyList<PolicySpec> Policies { get; }

    public PolicyScope Scope { get; }

    /// <summary>Every workload address, ordered as the ipcache is (ordinal by text); a repeated address keeps its last owner.</summary>
    public ClusterHost[] Hosts => _hosts.Value;

    public HashSet<CidrBlock> HostSet => _hostSet.Value;

    /// <summary>
    /// Builds the cluster-wide tables now. Every node computation needs them; built lazily inside one node
    /// grain's turn, the other node grains of the burst would block pool threads waiting for it.
    /// </summary>
    public ClusterRuleModel Prepare()
    {
        _ = _hostSet.Value;
        _ = _byNode.Value;
        return this;
    }

    /// <summary>The workloads with an interface on <paramref name="node"/> (its endpoints), ordered by id.</summary>
    public IReadOnlyList<WorkloadRecord> LocalTo(string node) => _byNode.Value[node].ToList();

    /// <summary>
    /// The model of this snapshot, shared with the node computations that read the same snapshot. The
    /// index grains hand out one list instance per state, so equal references mean equal contents; a
    /// single entry is enough because a fan-out's computations all read the newest snapshot.
    /// </summary>
    public static ClusterRuleModel Shared(
        IReadOnlyList<WorkloadRecord> workloads, IReadOnlyList<PolicySpec> policies, IReadOnlyList<NamespaceSpec> namespaces)
    {
        // Under the lock so that the node grains a fan-out wakes together build one model, not one each.
        lock (SharedGate)
        {
            if (_latest is { } latest && latest.Matches(workloads, policies, namespaces))
                return latest;
            return _latest = new ClusterRuleModel(workloads, policies, new NamespaceLabels(namespaces.ToDictionary(n => n.Name, n => n.Labels)))
            {
                _policiesSource = policies,
                _namespacesSource = namespaces,
            };
        }
    }

    private bool Matches(IReadOnlyList<WorkloadRecord> workloads, IReadOnlyList<PolicySpec> policies, IReadOnlyList<NamespaceSpec> namespaces) =>
        ReferenceEquals(Workloads, workloads) && ReferenceEquals(_policiesSource, policies) && ReferenceEquals(_namespacesSource, namespaces);

    /// <summary>
    /// Policies in force that select workloads of <paramref name="representative"/>'s identity. All
    /// workloads of one identity share labels and namespace within a snapshot, so one answer serves all.
    /// </summary>
    public IReadOnlyList<PolicySpec> Selecting(WorkloadRecord representative) => SelectionOf(representative).Policies;

    /// <summary>The address blocks that the policies selecting <paramref name="representative"/>'s identity name as peers.</summary>
    public IReadOnlyList<CidrBlock> BlocksNamedFor(WorkloadRecord representative) => SelectionOf(representative).Blocks;

    private Selection SelectionOf(WorkloadRecord representative) =>
        _selecting.GetOrAdd(representative.Identity, _ => new Lazy<Selection>(() =>
        {
            var policies = Policies.Where(p => Scope.Selects(p, representative)).ToList();
            return new Selection(policies, policies.SelectMany(NodeRuleCompiler.CidrBlocksOf).Distinct().ToList());
        })).Value;

    private sealed record Selection(IReadOnlyList<PolicySpec> Policies, IReadOnlyList<CidrBlock> Blocks);

    /// <summary>
    /// The ipcache of a node whose entries name exactly <paramref name="named"/> and whose policies name no
    /// address blocks: the addresses of those identities. Nodes that name the same identities (common:
    /// a peer selector matches across the cluster) share one table and its hash.
    /// </summary>
    public IpCacheTable IpCacheNaming(HashSet<uint> named)
    {
        var key = string.Join(',', named.Order());
        var table = _ipcaches.GetOrAdd(key, _ => new Lazy<IpCacheTable>(() =>
            IpCacheTable.Of(Hosts.Where(h => named.Contains(h.Rule.Identity)).Select(h => h.Rule).ToList())));
        return table.Value;
    }

    private static ClusterHost[] BuildHosts(IReadOnlyList<WorkloadRecord> workloads)
    {
        var byText = new Dictionary<string, ClusterHost>(StringComparer.Ordinal);
        foreach (var w in workloads)
        {
            foreach (var block in NodeRuleCompiler.HostsOf(w.Spec))
            {
                var text = block.ToString();
                byText[text] = new ClusterHost(new IpCacheRule(text, w.Identity), block);
            }
        }
        var hosts = byText.Values.ToArray();
        Array.Sort(hosts, (a, b) => string.CompareOrdinal(a.Rule.Cidr, b.Rule.Cidr));
        return hosts;
    }
}

/// <summary>A node's ipcache content in ipcache order, with its content hash.</summary>
internal sealed record IpCacheTable(IReadOnlyList<IpCacheRule> Rules, ulong Digest)
{
    public static IpCacheTable Of(IReadOnlyList<IpCacheRule> rules)
    {
        var h = new Fnv64();
        foreach (var i in rules)
            h.Add(i.Cidr).Add(i.Identity);
        return new IpCacheTable(rules, h.Value);
    }
}
