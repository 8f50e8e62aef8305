using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using MicroSeg.Grains.Interfaces.Namespaces;
using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Workloads;

namespace MicroSeg.Grains.Rules;

/// <summary>An address of some workload, with the ipcache rule every node that names its identity carries.</summary>
/// <remarks>
/// A class: the tables keep each identity's hosts in sorted chunks that a write copies (<see cref="KeyedRun{T}"/>), and a
/// reference is an eighth of the struct (the address's 128 bits are 16-byte aligned); the host itself is made once, when
/// its owner changes.
/// </remarks>
internal sealed record ClusterHost(IpCacheRule Rule, CidrBlock Block);

/// <summary>
/// What every node's computation derives from one snapshot of the cluster (workloads, active policies,
/// namespace labels) and that does not depend on the node: identity groups, workloads by node, addresses by
/// identity, which policies select each identity and which identities each selector peer names. A change
/// fans out to many nodes at once; they share one model instead of each re-deriving it from the whole
/// cluster, which keeps a node's recompute proportional to its own endpoints. The next snapshot's model is
/// derived from this one (<see cref="Next"/>) in time proportional to what changed.
/// Immutable once built; the lazily filled caches are safe to share between node grains running on
/// different threads.
/// </summary>
internal sealed class ClusterRuleModel
{
    // The snapshots this model was built from, as handed out by the index grains (compared by reference).
    private readonly IReadOnlyList<PolicySpec> _policiesSource;
    private readonly IReadOnlyList<NamespaceSpec>? _namespacesSource;
    private readonly WorkloadTables _tables;
    // Whether Workloads is strictly ordered by id, as a diff from it needs.
    private readonly bool _orderedById;

    // Lazy values: node grains of one fan-out ask for the same entries at once, and each must be built once.
    private readonly ConcurrentDictionary<uint, Lazy<Selection>> _selecting;
    private readonly ConcurrentDictionary<string, IpCacheEntry> _ipcaches;
    private readonly PolicyNodeSets _nodeSets;
    private readonly Lazy<ClusterHost[]> _hosts;
    // The model this one was derived from with the same policies and namespaces, and the identities that changed
    // between them: what lets a node tell that its endpoints' rules still hold. Weak, so that a chain of models
    // does not keep every earlier snapshot alive.
    private readonly WeakReference<ClusterRuleModel>? _carriedFrom;
    private readonly HashSet<uint>? _touched;
    private readonly Lazy<bool> _namesPortsByName;
    private readonly ConcurrentDictionary<uint, Lazy<TemplateShape>> _shapes = new();
    // KeepsTemplatesOf's answer for each earlier model asked about (weakly held).
    private readonly ConditionalWeakTable<ClusterRuleModel, object> _keepsTemplatesOf = new();
    private static readonly object Yes = new(), No = new();

    public ClusterRuleModel(IReadOnlyList<WorkloadRecord> workloads, IReadOnlyList<PolicySpec> policies, NamespaceLabels namespaces)
        : this(workloads, policies, namespaces, null, WorkloadTables.Build(workloads), WorkloadDiff.IsOrderedById(workloads), null, null)
    {
    }

    private ClusterRuleModel(
        IReadOnlyList<WorkloadRecord> workloads, IReadOnlyList<PolicySpec> policies, NamespaceLabels namespaces,
        IReadOnlyList<NamespaceSpec>? namespacesSource, WorkloadTables tables, bool orderedById, ClusterRuleModel? carried, HashSet<uint>? touched)
    {
        Workloads = workloads;
        SpecFacts.Trim(workloads);
        _policiesSource = policies;
        _namespacesSource = namespacesSource;
        _tables = tables;
        _orderedById = orderedById;
        Policies = policies.Where(p => !p.Draft).ToList();
        var groups = tables.Identities.Select(kv => new Remote(kv.Key, kv.Value)).ToList();
        if (carried is null || touched is null)
        {
            Scope = new PolicyScope(namespaces, groups);
            _selecting = new();
            _ipcaches = new(StringComparer.Ordinal);
            _nodeSets = new(tables);
        }
        else
        {
            // Same policies and namespaces: what was derived for identities that did not change still holds.
            Scope = carried.Scope.Next(groups, touched);
            _carriedFrom = new WeakReference<ClusterRuleModel>(carried);
            _touched = touched;
            _selecting = new(carried._selecting.Where(kv => !touched.Contains(kv.Key)));
            _ipcaches = new(carried._ipcaches
                .Select(kv => KeyValuePair.Create(kv.Key, kv.Value.Carried(touched, tables.ChangedHosts)))
                .Where(kv => kv.Value is not null)!, StringComparer.Ordinal);
            _nodeSets = carried._nodeSets.Next(touched, Scope, tables);
        }
        _hosts = new Lazy<ClusterHost[]>(tables.AllHosts);
        _namesPortsByName = new Lazy<bool>(() => Policies.Any(p =>
            (p.Ingress ?? []).Concat(p.Egress ?? []).Any(r => (r.Ports ?? []).Any(port => port.Port is { Name: not null }))));
    }

    /// <summary>How many derivations back <see cref="KeepsEndpointRulesOf"/> looks before it answers no.</summary>
    private const int LongestChain = 64;

    /// <summary>
    /// Whether a node's endpoint and policy entries compiled from <paramref name="earlier"/> are still exactly what
    /// this model gives: this model descends from it with the same policies and namespaces, the node's own
    /// workloads are the same records, and every identity that changed in between has the same labels and namespace in both or
    /// in neither (so every selector names the same identities; only addresses moved, which the ipcache carries). Named ports read the
    /// peers' workloads, so a policy that names one makes the answer no; so does any doubt.
    /// </summary>
    public bool KeepsEndpointRulesOf(ClusterRuleModel? earlier, string node)
    {
        if (earlier is null)
            return false;
        if (ReferenceEquals(this, earlier))
            return true;
        return ReferenceEquals(LocalTo(node), earlier.LocalTo(node)) && KeepsTemplatesOf(earlier);
    }

    /// <summary>
    /// Whether every entry template compiled from <paramref name="earlier"/> (the entries of one identity's workloads, or of
    /// one workload with named ports of its own) is still exactly what this model gives: the conditions of
    /// <see cref="KeepsEndpointRulesOf"/> except that a node's own workloads may differ. A node whose workloads changed
    /// then recomputes those workloads only.
    /// </summary>
    public bool KeepsTemplatesOf(ClusterRuleModel? earlier)
    {
        if (earlier is null || _namesPortsByName.Value)
            return false;
        if (ReferenceEquals(this, earlier))
            return true;
        // Every node of a fan-out asks about the same earlier model (the one they last compiled from): answer once. The
        // answer cannot change, since both models are immutable.
        return ReferenceEquals(_keepsTemplatesOf.GetValue(earlier, e => ComputeKeepsTemplatesOf(e) ? Yes : No), Yes);
    }

    private bool ComputeKeepsTemplatesOf(ClusterRuleModel earlier)
    {
        var touched = new HashSet<uint>();
        var at = this;
        for (var steps = 0; !ReferenceEquals(at, earlier); steps++)
        {
            if (steps == LongestChain || at._touched is null || at._carriedFrom is null || !at._carriedFrom.TryGetTarget(out var before))
                return false;
            touched.UnionWith(at._touched);
            at = before;
        }
        return touched.All(identity => SameSelectorFacts(_tables.RepresentativeOf(identity), earlier._tables.RepresentativeOf(identity)));
    }

    /// <summary>Whether selectors see the same thing in both (labels and namespace), or neither exists.</summary>
    private static bool SameSelectorFacts(WorkloadRecord? now, WorkloadRecord? before) =>
        (now, before) switch
        {
            (null, null) => true,
            ({ } a, { } b) => a.Spec.Namespace == b.Spec.Namespace && a.Spec.Labels.Count == b.Spec.Labels.Count
                && a.Spec.Labels.All(kv => b.Spec.Labels.TryGetValue(kv.Key, out var v) && v == kv.Value),
            _ => false,
        };

    public IReadOnlyList<WorkloadRecord> Workloads { get; }

    /// <summary>Policies in force (drafts left out).</summary>
    public IReadOnlyList<PolicySpec> Policies { get; }

    public PolicyScope Scope { get; }

    /// <summary>Every workload address, ordered as the ipcache is (ordinal by text); an address listed twice belongs to the greater workload id.</summary>
    public ClusterHost[] Hosts => _hosts.Value;

    /// <summary>Whether <paramref name="block"/> is some workload's address.</summary>
    /// <remarks>Looked up in <see cref="Hosts"/>, built on first use: only nodes whose policies name address blocks ask.</remarks>
    public bool IsWorkloadAddress(CidrBlock block)
    {
        var text = block.ToString();
        return Array.BinarySearch(Hosts, new ClusterHost(new IpCacheRule(text, 0), block), HostTextOrder.Instance) >= 0;
    }

    /// <summary>The nodes of the workloads <paramref name="policy"/> selects (draft or not, in this model's policies or not).</summary>
    public IReadOnlyCollection<string> NodesSelectedBy(PolicySpec policy) => _nodeSets.Of(policy, Scope, Scope.Groups);

    /// <summary>The workloads with an interface on <paramref name="node"/> (its endpoints), ordered by id.</summary>
    public IReadOnlyList<WorkloadRecord> LocalTo(string node) => _tables.LocalTo(node);

    /// <summary>
    /// The model of the given snapshots: <paramref name="previous"/> itself when they are its own, else derived
    /// from it by what changed when the workloads differ by a few records (policies or namespaces that changed
    /// drop what was derived from them), else built from scratch.
    /// </summary>
    public static ClusterRuleModel Next(
        ClusterRuleModel? previous, IReadOnlyList<WorkloadRecord> workloads, IReadOnlyList<PolicySpec> policies, IReadOnlyList<NamespaceSpec> namespaces)
    {
        if (previous is not null && ReferenceEquals(previous.Workloads, workloads)
            && ReferenceEquals(previous._policiesSource, policies) && ReferenceEquals(previous._namespacesSource, namespaces))
            return previous;
        var sameNamespaces = previous is not null && ReferenceEquals(previous._namespacesSource, namespaces);
        var labels = sameNamespaces ? previous!.Scope.Namespaces : new NamespaceLabels(namespaces.ToDictionary(n => n.Name, n => n.Labels));
        // A diff larger than a quarter of the cluster costs about what a fresh build does.
        var diff = previous is { _orderedById: true, _tables.CanApply: true }
            ? WorkloadDiff.Between(previous.Workloads, workloads, limit: Math.Max(256, workloads.Count / 4))
            : null;
        if (diff is null)
            return new ClusterRuleModel(workloads, policies, labels, namespaces, WorkloadTables.Build(workloads), WorkloadDiff.IsOrderedById(workloads), null, null);
        var tables = previous!._tables.Apply(diff, out var touched);
        var carry = sameNamespaces && ReferenceEquals(previous._policiesSource, policies);
        return new ClusterRuleModel(workloads, policies, labels, namespaces, tables, orderedById: true, carry ? previous : null, touched);
    }

    /// <summary>
    /// The entry shape of <paramref name="identity"/>'s workloads in this snapshot, built by the first node that asks
    /// (<paramref name="build"/>) and shared by the others: the caller vouches that it depends on nothing of its own.
    /// </summary>
    public TemplateShape ShapeOf(uint identity, Func<TemplateShape> build) =>
        _shapes.GetOrAdd(identity, static (_, b) => new Lazy<TemplateShape>(b), build).Value;

    /// <summary>
    /// Policies in force that select workloads of <paramref name="representative"/>'s identity. All
    /// workloads of one identity share labels and namespace within a snapshot, so one answer serves all.
    /// </summary>
    public IReadOnlyList<PolicySpec> Selecting(WorkloadRecord representative) => SelectionOf(representative).Policies;

    /// <summary>The address blocks that the policies selecting <paramref name="representative"/>'s identity name as peers.</summary>
    public IReadOnlyList<CidrBlock> BlocksNamedFor(WorkloadRecord representative) => SelectionOf(representative).Blocks;

    private Selection SelectionOf(WorkloadRecord representative) =>
        _selecting.TryGetValue(representative.Identity, out var found) ? found.Value : AddSelection(representative);

    // Apart from SelectionOf so that the hit path allocates no closure.
    private Selection AddSelection(WorkloadRecord representative) =>
        _selecting.GetOrAdd(representative.Identity, _ => new Lazy<Selection>(() =>
        {
            var policies = Policies.Where(p => Scope.Selects(p, representative)).ToList();
            return new Selection(policies, policies.SelectMany(NodeRuleCompiler.CidrBlocksOf).Distinct().ToList());
        })).Value;

    private sealed record Selection(IReadOnlyList<PolicySpec> Policies, IReadOnlyList<CidrBlock> Blocks);

    /// <summary>
    /// The ipcache of a node whose entries name exactly <paramref name="named"/> and whose policies name no
    /// address blocks: the addresses of those identities. Nodes that name the same identities (common:
    /// a peer selector matches across the cluster) share one table and its hash. A node whose entries named
    /// <paramref name="before"/> until now gets, when no node asked for this set yet, the table of that set with the
    /// rows of the identities that came or went patched in: a new peer identity costs its own addresses, not a sort
    /// and a hash of the node's whole table, and the node's delta is read from the patch.
    /// </summary>
    public IpCacheTable IpCacheNaming(HashSet<uint> named, IReadOnlySet<uint>? before = null)
    {
        var identities = named.Order().ToArray();
        return _ipcaches.GetOrAdd(KeyOf(identities), _ => new IpCacheEntry(identities, new Lazy<NamedIpCache>(() =>
            before is { Count: > 0 } && !before.SetEquals(named) ? Derived(identities, before) : Built(identities)), 0)).Table.Value.Table;
    }

    private static string KeyOf(uint[] identities) => string.Join(',', identities);

    private NamedIpCache Built(uint[] identities)
    {
        var rules = identities.SelectMany(_tables.HostsOf).Select(h => h.Rule).ToList();
        rules.Sort((a, b) => string.CompareOrdinal(a.Cidr, b.Cidr));
        return new NamedIpCache(identities, IpCacheTable.Of(rules));
    }

    private NamedIpCache Derived(uint[] identities, IReadOnlySet<uint> before)
    {
        var earlier = before.Order().ToArray();
        var basis = _ipcaches.GetOrAdd(KeyOf(earlier), _ => new IpCacheEntry(earlier, new Lazy<NamedIpCache>(() => Built(earlier)), 0)).Table.Value;
        // Every address of an identity that came or went, with its row: the patch keeps the rows this set names.
        var changes = identities.Except(earlier).Concat(earlier.Except(identities))
            .SelectMany(_tables.HostsOf)
            .Select(h => new ChangedHost(h.Rule.Cidr, h.Rule))
            .OrderBy(c => c.Text, StringComparer.Ordinal)
            .ToList();
        return new NamedIpCache(identities, basis.Table.Patched(changes, identity => Array.BinarySearch(identities, identity) >= 0));
    }

    /// <summary>
    /// A named set's table in this model, made when first asked for. One no node asked for while its model was current
    /// is still carried on, as a patch of a patch, so that the next node to ask patches it instead of gathering and
    /// sorting the identities' addresses again (at 50,000 workloads, ≈ 1,000 rows read cold); after
    /// <see cref="LongestPending"/> derivations without a reader it is dropped, so that it does not keep old models alive.
    /// </summary>
    private sealed record IpCacheEntry(uint[] Named, Lazy<NamedIpCache> Table, int Pending)
    {
        private const int LongestPending = 16;

        public IpCacheEntry? Carried(HashSet<uint> touched, IReadOnlyList<ChangedHost> changes)
        {
            var made = Table.IsValueCreated;
            if (!made && Pending == LongestPending)
                return null;
            var pending = made ? 0 : Pending + 1;
            var table = Table;
            return !Named.Any(touched.Contains)
                ? (made ? this : this with { Pending = pending })
                : new IpCacheEntry(Named, new Lazy<NamedIpCache>(() => table.Value.Patched(changes)), pending);
        }
    }

    private sealed record NamedIpCache(uint[] Named, IpCacheTable Table)
    {
        /// <summary>
        /// This table in a model derived by <paramref name="changes"/> (every address whose owner may have moved, ordered
        /// by text): a relabel in a 50,000-workload cluster touches two identities of ≈ 500 addresses each but moves one
        /// address, so the table is patched (<see cref="IpCacheTable.Patched"/>) instead of gathered and sorted again.
        /// </summary>
        public NamedIpCache Patched(IReadOnlyList<ChangedHost> changes) =>
            new(Named, Table.Patched(changes, identity => Array.BinarySearch(Named, identity) >= 0));
    }
}

/// <summary>Hosts by address text, ordinal: the order of <see cref="ClusterRuleModel.Hosts"/> (and equal when their texts are).</summary>
internal sealed class HostTextOrder : IComparer<ClusterHost>, IEqualityComparer<ClusterHost>
{
    public static readonly HostTextOrder Instance = new();

    public int Compare(ClusterHost? a, ClusterHost? b) => string.CompareOrdinal(a!.Rule.Cidr, b!.Rule.Cidr);

    public bool Equals(ClusterHost? a, ClusterHost? b) => string.Equals(a!.Rule.Cidr, b!.Rule.Cidr, StringComparison.Ordinal);

    public int GetHashCode(ClusterHost host) => StringComparer.Ordinal.GetHashCode(host.Rule.Cidr);
}
