using System.Collections.Immutable;
using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Workloads;

namespace MicroSeg.Grains.Rules;

/// <summary>
/// The workload side of a cluster snapshot, indexed the ways node computations read it: workloads by identity
/// and by node (each ordered by id), and every workload address with the identity it resolves to (an address
/// listed by several workloads belongs to the one with the greatest id), grouped by that identity and ordered as
/// the ipcache is. Immutable; <see cref="Apply"/> derives the tables of the next snapshot from a
/// <see cref="WorkloadDiff"/> in time proportional to what changed, so a write in a 50,000-workload cluster does
/// not re-index 50,000 workloads.
/// </summary>
internal sealed class WorkloadTables
{
    private static readonly Comparison<WorkloadRecord> ById = (a, b) => string.CompareOrdinal(a.Spec.Id, b.Spec.Id);
    private static readonly Comparison<ClusterHost> ByText = (a, b) => string.CompareOrdinal(a.Rule.Cidr, b.Rule.Cidr);

    private readonly Dictionary<uint, WorkloadRecord[]> _byIdentity;
    private readonly Dictionary<string, WorkloadRecord[]> _byNode;
    // Address text -> the workloads listing it, ordered by id; the last one owns it.
    private readonly ImmutableDictionary<string, ImmutableArray<(WorkloadRecord Workload, CidrBlock Block)>> _owners;
    private readonly Dictionary<uint, ClusterHost[]> _hostsByIdentity;

    private WorkloadTables(
        Dictionary<uint, WorkloadRecord[]> byIdentity,
        Dictionary<string, WorkloadRecord[]> byNode,
        ImmutableDictionary<string, ImmutableArray<(WorkloadRecord, CidrBlock)>> owners,
        Dictionary<uint, ClusterHost[]> hostsByIdentity)
    {
        _byIdentity = byIdentity;
        _byNode = byNode;
        _owners = owners;
        _hostsByIdentity = hostsByIdentity;
    }

    public static WorkloadTables Build(IReadOnlyList<WorkloadRecord> workloads)
    {
        var empty = new WorkloadTables([], new(StringComparer.Ordinal), ImmutableDictionary.Create<string, ImmutableArray<(WorkloadRecord, CidrBlock)>>(StringComparer.Ordinal), []);
        return empty.Apply(new WorkloadDiff([], workloads), out _);
    }

    /// <summary>Identities that have workloads, ascending, with their workloads ordered by id.</summary>
    public IEnumerable<KeyValuePair<uint, WorkloadRecord[]>> Identities => _byIdentity.OrderBy(kv => kv.Key);

    /// <summary>The workloads with an interface on <paramref name="node"/>, ordered by id.</summary>
    public IReadOnlyList<WorkloadRecord> LocalTo(string node) => _byNode.TryGetValue(node, out var local) ? local : [];

    /// <summary>The addresses that resolve to <paramref name="identity"/>, ordered as the ipcache is.</summary>
    public IReadOnlyList<ClusterHost> HostsOf(uint identity) => _hostsByIdentity.TryGetValue(identity, out var hosts) ? hosts : [];

    /// <summary>Whether <paramref name="block"/> is the address of some workload.</summary>
    public bool IsWorkloadAddress(CidrBlock block) => _owners.ContainsKey(block.ToString());

    /// <summary>Every workload address, ordered as the ipcache is.</summary>
    public ClusterHost[] AllHosts()
    {
        var all = _hostsByIdentity.Values.SelectMany(h => h).ToArray();
        Array.Sort(all, ByText);
        return all;
    }

    /// <summary>
    /// The tables after <paramref name="diff"/>; <paramref name="touched"/> receives every identity whose
    /// workloads or addresses changed (what was derived from other identities is still valid).
    /// </summary>
    public WorkloadTables Apply(WorkloadDiff diff, out HashSet<uint> touched)
    {
        touched = [];
        var byIdentity = new Dictionary<uint, WorkloadRecord[]>(_byIdentity);
        var byNode = new Dictionary<string, WorkloadRecord[]>(_byNode, StringComparer.Ordinal);
        var owners = _owners.ToBuilder();
        var texts = new HashSet<string>(StringComparer.Ordinal);

        Patch(byIdentity, diff.Removed.ToLookup(w => w.Identity), diff.Added.ToLookup(w => w.Identity));
        static bool IsEndpoint(WorkloadRecord w) => w.Spec.Interface is not null;
        Patch(byNode, diff.Removed.Where(IsEndpoint).ToLookup(w => w.Spec.Node), diff.Added.Where(IsEndpoint).ToLookup(w => w.Spec.Node));

        foreach (var w in diff.Removed)
        {
            touched.Add(w.Identity);
            foreach (var block in NodeRuleCompiler.HostsOf(w.Spec))
            {
                var text = block.ToString();
                if (!owners.TryGetValue(text, out var listing))
                    continue;
                texts.Add(text);
                touched.Add(listing[^1].Workload.Identity);
                var left = listing.RemoveAll(o => ReferenceEquals(o.Workload, w));
                if (left.IsEmpty)
                    owners.Remove(text);
                else
                {
                    owners[text] = left;
                    touched.Add(left[^1].Workload.Identity);
                }
            }
        }
        foreach (var w in diff.Added)
        {
            touched.Add(w.Identity);
            foreach (var block in NodeRuleCompiler.HostsOf(w.Spec))
            {
                var text = block.ToString();
                texts.Add(text);
                var listing = owners.TryGetValue(text, out var found) ? found : [];
                if (!listing.IsEmpty)
                    touched.Add(listing[^1].Workload.Identity);
                var at = 0;
                while (at < listing.Length && string.CompareOrdinal(listing[at].Workload.Spec.Id, w.Spec.Id) < 0)
                    at++;
                owners[text] = listing.Insert(at, (w, block));
            }
        }
        var ownersNow = owners.ToImmutable();

        // An identity's addresses: its workloads' addresses that it owns. Rebuilt for every identity that
        // gained or lost a workload, or whose claim on an address changed.
        var hostsByIdentity = new Dictionary<uint, ClusterHost[]>(_hostsByIdentity);
        foreach (var identity in touched)
        {
            var hosts = new List<ClusterHost>();
            foreach (var w in byIdentity.GetValueOrDefault(identity) ?? [])
            {
                foreach (var block in NodeRuleCompiler.HostsOf(w.Spec))
                {
                    var text = block.ToString();
                    if (ownersNow.TryGetValue(text, out var listing) && ReferenceEquals(listing[^1].Workload, w))
                        hosts.Add(new ClusterHost(new IpCacheRule(text, identity), block));
                }
            }
            hosts.Sort(ByText);
            hostsByIdentity.Set(identity, hosts.Count == 0 ? null : [.. hosts]);
        }
        return new WorkloadTables(byIdentity, byNode, ownersNow, hostsByIdentity);
    }

    /// <summary>Each key's list without its removed records, plus its added ones, ordered by id (an emptied key is dropped).</summary>
    private static void Patch<TKey>(Dictionary<TKey, WorkloadRecord[]> map, ILookup<TKey, WorkloadRecord> removed, ILookup<TKey, WorkloadRecord> added)
        where TKey : notnull
    {
        foreach (var key in removed.Select(g => g.Key).Union(added.Select(g => g.Key)))
        {
            var gone = new HashSet<WorkloadRecord>(removed[key], ReferenceEqualityComparer.Instance);
            var list = (map.GetValueOrDefault(key) ?? []).Where(w => !gone.Contains(w)).Concat(added[key]).ToArray();
            Array.Sort(list, ById);
            map.Set(key, list.Length == 0 ? null : list);
        }
    }
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
