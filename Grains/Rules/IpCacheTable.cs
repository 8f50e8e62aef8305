using MicroSeg.Grains.Interfaces.Nodes;

namespace MicroSeg.Grains.Rules;

/// <summary>
/// A node's ipcache content in ipcache order (address text, ordinal), with its content hash and, for a table patched
/// from another, what changed. Nodes that name the same identities share one table; a relabel in a large cluster moves
/// one address, so a patched table costs a copy of the rows, not a hash of every row, and a node's delta between two
/// tables of one lineage costs the rows that changed, not a comparison of every row.
/// </summary>
internal sealed class IpCacheTable
{
    /// <summary>How many patches a delta walks back before it compares whole tables instead.</summary>
    internal const int LongestLineage = 32;

    // An array: a patch copies the rows between changes as blocks, and a lookup reads rows without an interface call.
    private readonly IpCacheRule[] _rules;

    private IpCacheTable(IpCacheRule[] rules, ulong digest, IpCachePatch? patch)
    {
        _rules = rules;
        Digest = digest;
        Patch = patch;
    }

    public IReadOnlyList<IpCacheRule> Rules => _rules;

    /// <summary>
    /// The sum of the rows' hashes. A sum, not a hash of the sequence: the rows are in one order for one content, and a
    /// patch adjusts the sum by the rows it drops and adds.
    /// </summary>
    public ulong Digest { get; }

    /// <summary>The table this one was patched from and the rows that differ from it; null for a table built whole.</summary>
    private IpCachePatch? Patch { get; }

    /// <summary>A table built whole from rows in ipcache order.</summary>
    public static IpCacheTable Of(IReadOnlyList<IpCacheRule> rules)
    {
        var digest = 0UL;
        foreach (var rule in rules)
            digest += HashOf(rule);
        return new IpCacheTable([.. rules], digest, null);
    }

    /// <summary>
    /// This table with every row of <paramref name="changes"/> (addresses ordered by text, each with the row it resolves
    /// to now, null when no workload lists it) dropped and, where <paramref name="names"/> holds its identity, put back
    /// with its owner now. Every other row is kept in order. A change that says who owned its address before is taken to
    /// mean that this table holds exactly the addresses of the identities <paramref name="names"/> holds.
    /// </summary>
    public IpCacheTable Patched(IReadOnlyList<ChangedHost> changes, Func<uint, bool> names)
    {
        var rows = new List<IpCacheRule>(_rules.Length + changes.Count);
        var differs = new List<(string Cidr, IpCacheRule? Now)>();
        var digest = Digest;
        var next = 0;
        foreach (var change in changes)
        {
            // A table holds the addresses of the identities it names: an address that such an identity neither owned
            // before nor owns now has no row here and gets none. Most changes of a derivation are of that kind for most
            // tables, and looking each up read cold rows by binary search.
            if (change.BeforeKnown && !(change.Before is { } before && names(before)) && !(change.Now is { } coming && names(coming.Identity)))
                continue;
            // Rows before this address are kept as they are.
            var at = IndexOf(change.Text, next, out var found);
            rows.AddRange(new ArraySegment<IpCacheRule>(_rules, next, at - next));
            next = at;
            var was = found ? _rules[next++] : null;
            var now = change.Now is { } row && names(row.Identity) ? row : null;
            if (was == now)
            {
                if (was is not null)
                    rows.Add(was);
                continue;
            }
            if (was is not null)
                digest -= HashOf(was);
            if (now is not null)
            {
                rows.Add(now);
                digest += HashOf(now);
            }
            differs.Add((change.Text, now));
        }
        if (differs.Count == 0)
            return this;
        rows.AddRange(new ArraySegment<IpCacheRule>(_rules, next, _rules.Length - next));
        // Weak: a lineage must not keep every earlier table of a busy cluster alive; a delta whose base was collected
        // compares rows instead.
        return new IpCacheTable([.. rows], digest, new IpCachePatch(new WeakReference<IpCacheTable>(this), differs));
    }

    /// <summary>
    /// The rows to set and the addresses to remove that turn <paramref name="earlier"/> into this table, both in ipcache
    /// order, when this table descends from it by patches still in memory; null otherwise (compare the rows instead).
    /// </summary>
    public (List<IpCacheRule> Set, List<string> Removed)? ChangesSince(IpCacheTable? earlier)
    {
        if (earlier is null)
            return null;
        var lineage = new List<IpCachePatch>();
        for (var table = this; !ReferenceEquals(table, earlier);)
        {
            if (table.Patch is not { } patch || lineage.Count == LongestLineage || !patch.Base.TryGetTarget(out var before))
                return null;
            lineage.Add(patch);
            table = before;
        }
        // Oldest patch first, so that a later row for an address wins.
        var latest = new SortedDictionary<string, IpCacheRule?>(StringComparer.Ordinal);
        for (var i = lineage.Count - 1; i >= 0; i--)
        {
            foreach (var (cidr, now) in lineage[i].Rows)
                latest[cidr] = now;
        }
        var set = new List<IpCacheRule>();
        var removed = new List<string>();
        foreach (var (cidr, now) in latest)
        {
            var was = earlier.IndexOf(cidr, 0, out var found) is var at && found ? earlier._rules[at] : null;
            if (now is null && was is not null)
                removed.Add(cidr);
            else if (now is not null && now != was)
                set.Add(now);
        }
        return (set, removed);
    }

    /// <summary>Where <paramref name="cidr"/> is, or would be inserted, at or after <paramref name="from"/>.</summary>
    private int IndexOf(string cidr, int from, out bool found)
    {
        int low = from, high = _rules.Length - 1;
        while (low <= high)
        {
            var mid = low + ((high - low) >> 1);
            var order = string.CompareOrdinal(_rules[mid].Cidr, cidr);
            if (order == 0)
            {
                found = true;
                return mid;
            }
            if (order < 0)
                low = mid + 1;
            else
                high = mid - 1;
        }
        found = false;
        return low;
    }

    private static ulong HashOf(IpCacheRule rule) => new Fnv64().Add(rule.Cidr).Add(rule.Identity).Value;

    /// <summary>The rows that differ from the table a patched table was made from (null: the address was removed).</summary>
    private sealed record IpCachePatch(WeakReference<IpCacheTable> Base, IReadOnlyList<(string Cidr, IpCacheRule? Now)> Rows);
}
