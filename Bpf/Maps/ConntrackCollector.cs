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
/// collection only frees space and reports; run it periodically (e.g. every 10 s) from
/// one thread. An entry refreshed by a packet between scan and delete is re-checked first.
/// Each pass also deletes the live flows a workload could keep using from an address it no
/// longer owns (see <see cref="PurgeRevokedSources"/>, which does only that, at once).
/// </summary>
public sealed class ConntrackCollector
{
    private readonly Datapath _datapath;

    public ConntrackCollector(Datapath datapath)
    {
        ArgumentNullException.ThrowIfNull(datapath);
        _datapath = datapath;
    }

    /// <summary>One full pass over ms_conntrack.</summary>
    public ConntrackCollection Collect()
    {
        var timeouts = _datapath.ConntrackTimeouts;
        var revocations = new RevokedSources(_datapath);
        var scanned = 0;
        var revoked = 0;
        var ended = new List<EndedFlow>();
        foreach (var key in _datapath.Conntrack.Keys())
        {
            scanned++;
            // Look up again right before deciding: the key list is a snapshot.
            if (!_datapath.Conntrack.TryLookup(key, out var value))
                continue;
            var now = LibC.MonotonicNanoseconds();
            var timeout = (ulong)timeouts.For(key.Protocol, value.State).Ticks * 100;
            if (now > value.LastSeenNs && now - value.LastSeenNs > timeout)
            {
                if (_datapath.Conntrack.Delete(key))
                    ended.Add(new EndedFlow(key, value));
            }
            else if (revocations.IsRevoked(key, value) && _datapath.Conntrack.Delete(key))
            {
                revoked++;
            }
        }
        return new ConntrackCollection(scanned, ended, revoked);
    }

    /// <summary>
    /// Deletes the flows of the given endpoints that skip the source check (the data path checks a
    /// workload's address once per flow) although the workload no longer owns its address in them,
    /// so a revoked address cannot keep a live flow. Call it right after taking addresses away from
    /// an endpoint (or clearing its <see cref="EndpointFlags.NoSourceCheck"/>); <see cref="Collect"/>
    /// repeats the check on every pass, which also catches a flow opened while the address went.
    /// Returns how many entries were deleted. Walks the whole table: use it for the rare revocation.
    /// </summary>
    public int PurgeRevokedSources(IReadOnlySet<uint> ifindexes)
    {
        ArgumentNullException.ThrowIfNull(ifindexes);
        if (ifindexes.Count == 0)
            return 0;
        var revocations = new RevokedSources(_datapath);
        var deleted = 0;
        foreach (var key in _datapath.Conntrack.Keys())
        {
            if (ifindexes.Contains(key.IfIndex) && _datapath.Conntrack.TryLookup(key, out var value)
                && revocations.IsRevoked(key, value) && _datapath.Conntrack.Delete(key))
                deleted++;
        }
        return deleted;
    }
}
