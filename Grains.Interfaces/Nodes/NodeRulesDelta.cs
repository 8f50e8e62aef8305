using Orleans;

namespace MicroSeg.Grains.Interfaces.Nodes;

/// <summary>Identifies a policy entry as the data plane keys it.</summary>
/// <param name="WorkloadId">Local workload.</param>
/// <param name="Direction">Ingress or egress.</param>
/// <param name="RemoteIdentity">Peer identity, 0 for any.</param>
/// <param name="Protocol">IP protocol, 0 for any.</param>
/// <param name="Port">Port, 0 for any.</param>
/// <param name="EndPort">Last port of a range, 0 for a single port.</param>
[GenerateSerializer, Immutable, Alias("microseg.PolicyEntryKey")]
public readonly record struct PolicyEntryKey(string WorkloadId, TrafficDirection Direction, uint RemoteIdentity, byte Protocol, ushort Port, ushort EndPort = 0)
    : IComparable<PolicyEntryKey>
{
    /// <summary>The key of an entry.</summary>
    public static PolicyEntryKey Of(PolicyEntry e) => new(e.WorkloadId, e.Direction, e.RemoteIdentity, e.Protocol, e.Port, e.EndPort);

    /// <summary>The order of a node's policy list: workload id (ordinal), direction, remote identity, protocol, port, end port.</summary>
    public int CompareTo(PolicyEntryKey other)
    {
        var c = string.CompareOrdinal(WorkloadId, other.WorkloadId);
        if (c == 0)
            c = Direction.CompareTo(other.Direction);
        if (c == 0)
            c = RemoteIdentity.CompareTo(other.RemoteIdentity);
        if (c == 0)
            c = Protocol.CompareTo(other.Protocol);
        if (c == 0)
            c = Port.CompareTo(other.Port);
        return c != 0 ? c : EndPort.CompareTo(other.EndPort);
    }
}

/// <summary>
/// The change from one revision of a node's desired state to the next. Applied to exactly the
/// <see cref="BaseRevision"/> of the same epoch it gives the full state at <see cref="Revision"/>;
/// an agent that holds anything else asks for a full snapshot instead.
/// </summary>
/// <param name="Node">Node name.</param>
/// <param name="Epoch">Epoch of both revisions.</param>
/// <param name="BaseRevision">The revision the delta applies to.</param>
/// <param name="Revision">The revision it produces.</param>
/// <param name="EndpointsSet">Endpoints added or changed.</param>
/// <param name="EndpointsRemoved">Workload ids whose endpoints are gone.</param>
/// <param name="IpCacheSet">Blocks added or re-mapped.</param>
/// <param name="IpCacheRemoved">Blocks gone.</param>
/// <param name="PolicySet">Entries added or changed.</param>
/// <param name="PolicyRemoved">Entries gone.</param>
[GenerateSerializer, Immutable, Alias("microseg.NodeRulesDelta")]
public sealed record NodeRulesDelta(
    string Node,
    string Epoch,
    long BaseRevision,
    long Revision,
    IReadOnlyList<EndpointRule> EndpointsSet,
    IReadOnlyList<string> EndpointsRemoved,
    IReadOnlyList<IpCacheRule> IpCacheSet,
    IReadOnlyList<string> IpCacheRemoved,
    IReadOnlyList<PolicyEntry> PolicySet,
    IReadOnlyList<PolicyEntryKey> PolicyRemoved)
{
    /// <summary>Number of changed items.</summary>
    public int Size => EndpointsSet.Count + EndpointsRemoved.Count + IpCacheSet.Count + IpCacheRemoved.Count + PolicySet.Count + PolicyRemoved.Count;

    /// <summary>The delta that turns <paramref name="from"/> into <paramref name="to"/> (same epoch).</summary>
    public static NodeRulesDelta Between(NodeRules from, NodeRules to)
    {
        var (endpointsSet, endpointsRemoved) = Diff(from.Endpoints, to.Endpoints, e => e.WorkloadId, string.CompareOrdinal, EndpointEquals);
        var (ipSet, ipRemoved) = Diff(from.IpCache, to.IpCache, i => i.Cidr, string.CompareOrdinal, (a, b) => a == b);
        var (policySet, policyRemoved) = Diff(from.Policy, to.Policy, PolicyEntryKey.Of, (a, b) => a.CompareTo(b), (a, b) => ReferenceEquals(a, b) || a == b);
        return new NodeRulesDelta(to.Node, to.Epoch, from.Revision, to.Revision, endpointsSet, endpointsRemoved, ipSet, ipRemoved, policySet, policyRemoved);
    }

    /// <summary>The full state this delta produces from <paramref name="baseRules"/>, which must be its base.</summary>
    public NodeRules ApplyTo(NodeRules baseRules)
    {
        if (baseRules.Epoch != Epoch || baseRules.Revision != BaseRevision)
            throw new InvalidOperationException($"delta {BaseRevision}->{Revision} of epoch {Epoch} does not apply to revision {baseRules.Revision} of epoch {baseRules.Epoch}.");
        return new NodeRules(Node, Epoch, Revision,
            Apply(baseRules.Endpoints, EndpointsSet, EndpointsRemoved, e => e.WorkloadId, StringComparer.Ordinal),
            Apply(baseRules.IpCache, IpCacheSet, IpCacheRemoved, i => i.Cidr, StringComparer.Ordinal),
            Apply(baseRules.Policy, PolicySet, PolicyRemoved, PolicyEntryKey.Of, EqualityComparer<PolicyEntryKey>.Default),
            baseRules.ClusterIdentity, baseRules.AcceptedHold);
    }

    private static bool EndpointEquals(EndpointRule a, EndpointRule b) =>
        ReferenceEquals(a, b)
        || (a.WorkloadId == b.WorkloadId && a.Interface == b.Interface && a.Identity == b.Identity && a.Mode == b.Mode
            && a.IngressIsolated == b.IngressIsolated && a.EgressIsolated == b.EgressIsolated
            && (ReferenceEquals(a.Addresses, b.Addresses) || a.Addresses.SequenceEqual(b.Addresses)));

    /// <summary>
    /// Lists in key order (as a node grain computes them) are diffed by one merge pass, which keeps a
    /// delta of a large node cheap; any other order falls back to a keyed comparison.
    /// </summary>
    private static (List<T> Set, List<TKey> Removed) Diff<T, TKey>(
        IReadOnlyList<T> from, IReadOnlyList<T> to, Func<T, TKey> key, Comparison<TKey> compare, Func<T, T, bool> same)
        where TKey : notnull
    {
        // The node grain hands on a list it did not recompute (its endpoints when only the ipcache moved) as is.
        if (ReferenceEquals(from, to))
            return ([], []);
        if (!InOrder(from, key, compare) || !InOrder(to, key, compare))
            return KeyedDiff(from, to, key, same);
        var set = new List<T>();
        var removed = new List<TKey>();
        int i = 0, j = 0;
        while (i < from.Count || j < to.Count)
        {
            var order = i == from.Count ? 1 : j == to.Count ? -1 : compare(key(from[i]), key(to[j]));
            if (order < 0)
                removed.Add(key(from[i++]));
            else if (order > 0)
                set.Add(to[j++]);
            else
            {
                if (!same(from[i], to[j]))
                    set.Add(to[j]);
                i++;
                j++;
            }
        }
        return (set, removed);
    }

    private static bool InOrder<T, TKey>(IReadOnlyList<T> items, Func<T, TKey> key, Comparison<TKey> compare)
    {
        for (var i = 1; i < items.Count; i++)
        {
            if (compare(key(items[i - 1]), key(items[i])) >= 0)
                return false;
        }
        return true;
    }

    private static (List<T> Set, List<TKey> Removed) KeyedDiff<T, TKey>(IReadOnlyList<T> from, IReadOnlyList<T> to, Func<T, TKey> key, Func<T, T, bool> same)
        where TKey : notnull
    {
        var old = from.ToDictionary(key);
        var set = to.Where(item => !old.TryGetValue(key(item), out var before) || !same(before, item)).ToList();
        var keep = to.Select(key).ToHashSet();
        var removed = from.Select(key).Where(k => !keep.Contains(k)).ToList();
        return (set, removed);
    }


    private static List<T> Apply<T, TKey>(IReadOnlyList<T> items, IReadOnlyList<T> set, IReadOnlyList<TKey> removed, Func<T, TKey> key, IEqualityComparer<TKey> comparer)
        where TKey : notnull
    {
        var byKey = new Dictionary<TKey, T>(comparer);
        foreach (var item in items)
            byKey[key(item)] = item;
        foreach (var k in removed)
            byKey.Remove(k);
        foreach (var item in set)
            byKey[key(item)] = item;
        return byKey.Values.ToList();
    }
}
