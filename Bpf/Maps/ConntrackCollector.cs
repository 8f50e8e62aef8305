using MicroSeg.Bpf.Interop;

namespace MicroSeg.Bpf;

/// <summary>A flow the collector removed: its last key and counters.</summary>
public readonly record struct EndedFlow(ConntrackKey Key, ConntrackValue Value);

/// <summary>Result of one <see cref="ConntrackCollector.Collect"/> pass.</summary>
/// <param name="Scanned">Entries looked at.</param>
/// <param name="Ended">Expired entries deleted, i.e. flows that ended (by timeout, FIN or RST).</param>
/// <param name="Revoked">Live entries deleted because the workload no longer owns its address in them.</param>
public sealed record ConntrackCollection(int Scanned, IReadOnlyList<EndedFlow> Ended, int Revoked)
{
    /// <summary>Ended flows per final TCP state (None for UDP/ICMP/other).</summary>
    public IReadOnlyDictionary<ConntrackState, int> EndedByState =>
        Ended.GroupBy(f => f.Value.State).ToDictionary(g => g.Key, g => g.Count());
}

/// <summary>
/// Conntrack garbage collection from user space: deletes entries idle past their timeout
/// (<see cref="Datapath.ConntrackTimeouts"/>, the same the programs use) and returns them as
/// ended flows, for flow-end reporting. The data path already ignores expired entries, so
/// collection only frees space and reports; a pass reads the table in batches (one syscall per
/// 4,096 entries) and touches only the entries it deletes, each re-checked first (a packet may
/// have refreshed it since the read). Each pass also deletes the live flows a workload could keep
/// using from an address it no longer owns (see <see cref="PurgeRevokedSources"/>, which does only
/// that, at once). A pass costs time in proportion to the table, so a periodic caller asks
/// <see cref="PassNeeded(uint, uint, double)"/> first: only a filling table or a pending re-check needs one.
/// </summary>
public sealed class ConntrackCollector
{
    private readonly Datapath _datapath;

    public ConntrackCollector(Datapath datapath)
    {
        ArgumentNullException.ThrowIfNull(datapath);
        _datapath = datapath;
    }

    // Per family, the entries the last pass left and the data path's creation counter when it started; null before the first.
    private FamilyCounts? _entriesAfterPass;
    private FamilyCounts _createdAtPass;
    private volatile bool _recheckPending;

    /// <summary>
    /// Whether a <see cref="Collect"/> pass is needed now: before the first pass, after
    /// <see cref="PurgeRevokedSources"/> deleted flows (the next pass re-checks, catching a flow opened
    /// while the address went), or when either family's map may hold <paramref name="atFill"/> of its size
    /// (<paramref name="ipv4Capacity"/> for ms_conntrack4, <paramref name="ipv6Capacity"/> for ms_conntrack6):
    /// the family's entries the last pass left plus every one of its entries created since (the data path
    /// counts them), an overestimate that never lets a map fill unnoticed.
    /// Costs one read of the per-CPU counters, whatever the table's size.
    /// </summary>
    public bool PassNeeded(uint ipv4Capacity, uint ipv6Capacity, double atFill)
    {
        if (_recheckPending || _entriesAfterPass is not { } left)
            return true;
        var created = FamilyCounts.Created(_datapath.ReadCounters()).Since(_createdAtPass);
        return left.IPv4 + (double)created.IPv4 >= atFill * ipv4Capacity
            || left.IPv6 + (double)created.IPv6 >= atFill * ipv6Capacity;
    }

    /// <summary><see cref="PassNeeded(uint, uint, double)"/> for maps of one size.</summary>
    public bool PassNeeded(uint capacity, double atFill) => PassNeeded(capacity, capacity, atFill);

    /// <summary>One full pass over both conntrack maps (ms_conntrack4, ms_conntrack6).</summary>
    public ConntrackCollection Collect()
    {
        _recheckPending = false;
        var createdAtStart = FamilyCounts.Created(_datapath.ReadCounters());
        var timeouts = _datapath.ConntrackTimeouts;
        var revocations = new RevokedSources(_datapath);
        var scanned = 0;
        var revoked = 0;
        var ended = new List<EndedFlow>();
        long leftIPv4 = 0, leftIPv6 = 0;
        // Streamed one batch at a time (no copy of the whole table); deleting an entry of a bucket already
        // read does not disturb the read of the next.
        foreach (var (key, seen) in _datapath.Conntrack.EntriesInBatches())
        {
            scanned++;
            if (Keep(key, seen, timeouts, revocations, ended, ref revoked))
            {
                if (key.Family == IpFamily.IPv4)
                    leftIPv4++;
                else
                    leftIPv6++;
            }
        }
        _createdAtPass = createdAtStart;
        _entriesAfterPass = new FamilyCounts((ulong)leftIPv4, (ulong)leftIPv6);
        return new ConntrackCollection(scanned, ended, revoked);
    }

    /// <summary>Deletes the entry if it expired (an ended flow) or was revoked; true when it stays.</summary>
    private bool Keep(in ConntrackKey key, in ConntrackValue seen, ConntrackTimeouts timeouts, RevokedSources revocations,
        List<EndedFlow> ended, ref int revoked)
    {
        if (!Expired(timeouts, key, seen) && !revocations.IsRevoked(key, seen))
            return true;
        // Look up again right before deciding: the batch is a snapshot.
        if (!_datapath.Conntrack.TryLookup(key, out var value))
            return false;
        if (Expired(timeouts, key, value))
        {
            if (!_datapath.Conntrack.Delete(key))
                return false;
            ended.Add(new EndedFlow(key, value));
            return false;
        }
        if (revocations.IsRevoked(key, value) && _datapath.Conntrack.Delete(key))
        {
            revoked++;
            return false;
        }
        return true;
    }

    /// <summary>A count per conntrack map.</summary>
    private readonly record struct FamilyCounts(ulong IPv4, ulong IPv6)
    {
        /// <summary>
        /// The data path's creation counters split by family: IPv6 is counted apart, IPv4 is the rest. The per-CPU
        /// slots are not read at one instant, so the IPv6 count may run ahead of the total; differences saturate at 0.
        /// </summary>
        public static FamilyCounts Created(DatapathCounters counters) =>
            new(Minus(counters.ConntrackCreated, counters.ConntrackIPv6Created), counters.ConntrackIPv6Created);

        public FamilyCounts Since(FamilyCounts earlier) => new(Minus(IPv4, earlier.IPv4), Minus(IPv6, earlier.IPv6));

        private static ulong Minus(ulong a, ulong b) => a > b ? a - b : 0;
    }

    private static bool Expired(ConntrackTimeouts timeouts, in ConntrackKey key, in ConntrackValue value)
    {
        var now = LibC.MonotonicNanoseconds();
        var timeout = (ulong)timeouts.For(key.Protocol, value.State).Ticks * 100;
        return now > value.LastSeenNs && now - value.LastSeenNs > timeout;
    }

    /// <summary>
    /// Deletes the flows of the given endpoints that skip the source check (the data path checks a
    /// workload's address once per flow) although the workload no longer owns its address in them,
    /// so a revoked address cannot keep a live flow. Call it right after taking addresses away from
    /// an endpoint (or clearing its <see cref="EndpointFlags.NoSourceCheck"/>). It makes the next
    /// <see cref="Collect"/> pass due (<see cref="PassNeeded(uint, uint, double)"/>), which repeats the check and so catches
    /// a flow opened while the address went; every pass repeats it too.
    /// Returns how many entries were deleted. Reads the whole table: use it for the rare revocation.
    /// </summary>
    public int PurgeRevokedSources(IReadOnlySet<uint> ifindexes)
    {
        ArgumentNullException.ThrowIfNull(ifindexes);
        if (ifindexes.Count == 0)
            return 0;
        var revocations = new RevokedSources(_datapath);
        var deleted = 0;
        foreach (var (key, seen) in _datapath.Conntrack.EntriesInBatches())
        {
            if (ifindexes.Contains(key.IfIndex) && revocations.IsRevoked(key, seen) && _datapath.Conntrack.TryLookup(key, out var value)
                && revocations.IsRevoked(key, value) && _datapath.Conntrack.Delete(key))
                deleted++;
        }
        _recheckPending = true;
        return deleted;
    }
}
