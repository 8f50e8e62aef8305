using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Workloads;

namespace MicroSeg.Grains.Rules;

/// <summary>
/// The workload side of a cluster snapshot, indexed the ways node computations read it: workloads by identity
/// and by node (each ordered by id), and every workload address with the identity it resolves to (an address
/// listed by several workloads belongs to the one with the greatest id), grouped by that identity and ordered as
/// the ipcache is. <see cref="Apply"/> derives the tables of the next snapshot from a <see cref="WorkloadDiff"/>
/// in time proportional to what changed, so a write in a 50,000-workload cluster does not re-index 50,000
/// workloads. What readers see is immutable; the address-owner map, which only derivation reads, moves from
/// one table to the next instead of being copied (a table can be derived from once; <see cref="CanApply"/>).
/// </summary>
internal sealed class WorkloadTables
{
    private readonly Dictionary<uint, KeyedRun<WorkloadRecord>> _byIdentity;
    private readonly Dictionary<string, KeyedRun<WorkloadRecord>> _byNode;
    // Address text -> the workloads listing it, ordered by id; the last one owns it. Null once handed on.
    private Dictionary<string, List<WorkloadRecord>>? _owners;
    private readonly Dictionary<uint, KeyedRun<ClusterHost>> _hostsByIdentity;
    private readonly Dictionary<uint, IdentityNodes> _nodesByIdentity;

    private WorkloadTables(
        Dictionary<uint, KeyedRun<WorkloadRecord>> byIdentity,
        Dictionary<string, KeyedRun<WorkloadRecord>> byNode,
        Dictionary<string, List<WorkloadRecord>> owners,
        Dictionary<uint, KeyedRun<ClusterHost>> hostsByIdentity,
        Dictionary<uint, IdentityNodes> nodesByIdentity)
    {
        _byIdentity = byIdentity;
        _byNode = byNode;
        _owners = owners;
        _hostsByIdentity = hostsByIdentity;
        _nodesByIdentity = nodesByIdentity;
    }

    public static WorkloadTables Build(IReadOnlyList<WorkloadRecord> workloads)
    {
        var empty = new WorkloadTables([], new(StringComparer.Ordinal), new(StringComparer.Ordinal), [], []);
        return empty.Apply(new WorkloadDiff([], workloads), out _, derived: false);
    }

    /// <summary>Whether <see cref="Apply"/> may be called: only once per table, since its owner map moves to the result.</summary>
    public bool CanApply => _owners is not null;

    /// <summary>Identities that have workloads, ascending, with their workloads ordered by id.</summary>
    public IEnumerable<KeyValuePair<uint, IReadOnlyList<WorkloadRecord>>> Identities =>
        _byIdentity.OrderBy(kv => kv.Key).Select(kv => KeyValuePair.Create(kv.Key, (IReadOnlyList<WorkloadRecord>)kv.Value));

    /// <summary>A workload of <paramref name="identity"/> (all of them share its labels and namespace), or null when none has it.</summary>
    public WorkloadRecord? RepresentativeOf(uint identity) => _byIdentity.TryGetValue(identity, out var workloads) ? workloads[0] : null;

    /// <summary>The nodes <paramref name="identity"/>'s workloads are on, ordered by name; empty when none has it.</summary>
    public IReadOnlyList<string> NodesOf(uint identity) => _nodesByIdentity.TryGetValue(identity, out var nodes) ? nodes.Nodes : [];

    /// <summary>The workloads with an interface on <paramref name="node"/>, ordered by id.</summary>
    public IReadOnlyList<WorkloadRecord> LocalTo(string node) => _byNode.TryGetValue(node, out var local) ? local : [];

    /// <summary>The addresses that resolve to <paramref name="identity"/>, ordered as the ipcache is.</summary>
    public IReadOnlyList<ClusterHost> HostsOf(uint identity) => _hostsByIdentity.TryGetValue(identity, out var hosts) ? hosts : [];

    /// <summary>Every workload address, ordered as the ipcache is.</summary>
    public ClusterHost[] AllHosts()
    {
        var all = _hostsByIdentity.Values.SelectMany(h => h).ToArray();
        Array.Sort(all, HostTextOrder.Instance);
        return all;
    }

    /// <summary>
    /// The tables after <paramref name="diff"/>; <paramref name="touched"/> receives every identity whose
    /// workloads or addresses changed (what was derived from other identities is still valid).
    /// </summary>
    /// <param name="diff">What changed.</param>
    /// <param name="touched">Receives the identities whose workloads or addresses changed.</param>
    /// <param name="derived">False for a build from scratch: nothing derived from earlier tables reads <see cref="ChangedHosts"/>.</param>
    public WorkloadTables Apply(WorkloadDiff diff, out HashSet<uint> touched, bool derived = true)
    {
        var owners = Interlocked.Exchange(ref _owners, null)
            ?? throw new InvalidOperationException("These tables were already derived from; build from the snapshot instead.");
        touched = [];
        // Only the addresses of records that left or came can change owner. Each such address is in the host list of
        // its owner before, and only there: what lets an identity's list lose it without a pass over the list.
        var texts = new HashSet<string>(StringComparer.Ordinal);
        var ownedBefore = new Dictionary<string, uint>(StringComparer.Ordinal);
        foreach (var w in diff.Removed.Concat(diff.Added))
        {
            foreach (var (_, text) in AddressesOf(w.Spec))
            {
                if (texts.Add(text) && owners.TryGetValue(text, out var before))
                    ownedBefore[text] = before[^1].Identity;
            }
        }
        var lost = ownedBefore.GroupBy(kv => kv.Value)
            .ToDictionary(g => g.Key, g => g.Select(kv => new ClusterHost(new IpCacheRule(kv.Key, 0), default)).ToList());
        var byIdentity = new Dictionary<uint, KeyedRun<WorkloadRecord>>(_byIdentity);
        var byNode = new Dictionary<string, KeyedRun<WorkloadRecord>>(_byNode, StringComparer.Ordinal);
        var nodesByIdentity = new Dictionary<uint, IdentityNodes>(_nodesByIdentity);
        var (removedOf, addedOf) = (diff.Removed.ToLookup(w => w.Identity), diff.Added.ToLookup(w => w.Identity));
        Patch(byIdentity, removedOf, addedOf);
        foreach (var identity in removedOf.Select(g => g.Key).Union(addedOf.Select(g => g.Key)))
        {
            var nodes = nodesByIdentity.GetValueOrDefault(identity, IdentityNodes.None).With(removedOf[identity], addedOf[identity]);
            nodesByIdentity.Set(identity, nodes == IdentityNodes.None ? null : nodes);
        }
        static bool IsEndpoint(WorkloadRecord w) => w.Spec.Interface is not null;
        Patch(byNode, diff.Removed.Where(IsEndpoint).ToLookup(w => w.Spec.Node), diff.Added.Where(IsEndpoint).ToLookup(w => w.Spec.Node));

        foreach (var w in diff.Removed)
        {
            touched.Add(w.Identity);
            foreach (var (_, text) in AddressesOf(w.Spec))
            {
                if (!owners.TryGetValue(text, out var listing))
                    continue;
                // The owner before and after both change what they resolve.
                touched.Add(listing[^1].Identity);
                listing.RemoveAll(o => ReferenceEquals(o, w));
                if (listing.Count == 0)
                    owners.Remove(text);
                else
                    touched.Add(listing[^1].Identity);
            }
        }
        foreach (var w in diff.Added)
        {
            touched.Add(w.Identity);
            foreach (var (_, text) in AddressesOf(w.Spec))
            {
                if (!owners.TryGetValue(text, out var listing))
                {
                    owners[text] = [w];
                    continue;
                }
                touched.Add(listing[^1].Identity);
                var at = listing.Count;
                while (at > 0 && string.CompareOrdinal(listing[at - 1].Spec.Id, w.Spec.Id) > 0)
                    at--;
                listing.Insert(at, w);
            }
        }

        // An identity's addresses: the addresses it owns. Only the changed addresses can have moved, so each
        // touched identity keeps the rest of its list and gains the changed addresses it owns now.
        var gained = new Dictionary<uint, List<ClusterHost>>();
        foreach (var text in texts)
        {
            if (!owners.TryGetValue(text, out var listing))
                continue;
            var owner = listing[^1];
            var facts = SpecFacts.Of(owner.Spec);
            var block = facts.Hosts[Array.IndexOf(facts.HostTexts, text)];
            (gained.TryGetValue(owner.Identity, out var list) ? list : gained[owner.Identity] = []).Add(new ClusterHost(new IpCacheRule(text, owner.Identity), block));
        }
        var hostsByIdentity = new Dictionary<uint, KeyedRun<ClusterHost>>(_hostsByIdentity);
        foreach (var identity in touched)
        {
            var hosts = (_hostsByIdentity.GetValueOrDefault(identity) ?? KeyedRun<ClusterHost>.Empty)
                .Spliced(lost.GetValueOrDefault(identity) ?? [], gained.GetValueOrDefault(identity) ?? [], h => h.Rule.Cidr, HostTextOrder.Instance);
            hostsByIdentity.Set(identity, hosts.Count == 0 ? null : hosts);
        }
        // What each changed address resolves to now, for tables derived from the previous ones by these texts alone.
        var changedHosts = !derived ? [] : texts.Order(StringComparer.Ordinal)
            .Select(text => new ChangedHost(text, owners.TryGetValue(text, out var listing) ? new IpCacheRule(text, listing[^1].Identity) : null)
            {
                BeforeKnown = true,
                Before = ownedBefore.TryGetValue(text, out var owner) ? owner : null,
            })
            .ToArray();
        // Facts of a spec that left with its record are let go (a computation still on an older snapshot makes them again).
        var stayed = diff.Added.Select(w => w.Spec).ToHashSet(ReferenceEqualityComparer.Instance);
        foreach (var w in diff.Removed)
        {
            if (!stayed.Contains(w.Spec))
                SpecFacts.Forget(w.Spec);
        }
        return new WorkloadTables(byIdentity, byNode, owners, hostsByIdentity, nodesByIdentity) { ChangedHosts = changedHosts };
    }

    /// <summary>
    /// The addresses whose owner may differ from the tables these were derived from (all of them, for tables built
    /// from scratch), ordered by text, with the row each resolves to now (null: no workload lists it any more).
    /// </summary>
    public IReadOnlyList<ChangedHost> ChangedHosts { get; private init; } = [];

    private static IEnumerable<(CidrBlock Block, string Text)> AddressesOf(WorkloadSpec spec)
    {
        var facts = SpecFacts.Of(spec);
        return facts.Hosts.Zip(facts.HostTexts);
    }

    /// <summary>Each key's list without its removed records, plus its added ones, ordered by id (an emptied key is dropped).</summary>
    private static void Patch<TKey>(Dictionary<TKey, KeyedRun<WorkloadRecord>> map, ILookup<TKey, WorkloadRecord> removed, ILookup<TKey, WorkloadRecord> added)
        where TKey : notnull
    {
        foreach (var key in removed.Select(g => g.Key).Union(added.Select(g => g.Key)))
        {
            var list = (map.GetValueOrDefault(key) ?? KeyedRun<WorkloadRecord>.Empty)
                .Spliced(removed[key].ToList(), added[key].ToList(), w => w.Spec.Id, ReferenceEqualityComparer.Instance);
            map.Set(key, list.Count == 0 ? null : list);
        }
    }
}

/// <summary>An address whose owner changed in one derivation, and the ipcache row it resolves to now (null: none).</summary>
internal readonly record struct ChangedHost(string Text, IpCacheRule? Now)
{
    /// <summary>Whether <see cref="Before"/> says who owned the address before: only then may a patch pass it by unread.</summary>
    public bool BeforeKnown { get; init; }

    /// <summary>The identity that owned the address before the derivation, null when none did (when <see cref="BeforeKnown"/>).</summary>
    public uint? Before { get; init; }
}

/// <summary>Sets or removes a dictionary entry (null removes).</summary>
file static class DictionaryEntries
{
    public static void Set<TKey, TValue>(this Dictionary<TKey, TValue> map, TKey key, TValue? value)
        where TKey : notnull where TValue : class
    {
        if (value is null)
            map.Remove(key);
        else
            map[key] = value;
    }
}
