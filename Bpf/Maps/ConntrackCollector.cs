using MicroSeg.Bpf.Interop;

namespace MicroSeg.Bpf;

/// <summary>A flow the collector removed: its last key and counters.</summary>
public readonly record struct EndedFlow(ConntrackKey Key, ConntrackValue Value);

/// <summary>Result of one <see cref="ConntrackCollector.Collect"/> pass.</summary>
/// <param name="Scanned">Entries looked at.</param>
/// <param name="Ended">Expired entries deleted, i.e. flows that ended (by timeout, FIN or RST).</param>
public sealed record ConntrackCollection(int Scanned, IReadOnlyList<EndedFlow> Ended)
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
        var scanned = 0;
        var ended = new List<EndedFlow>();
        foreach (var key in _datapath.Conntrack.Keys())
        {
            scanned++;
            // Look up again right before deciding: the key list is a snapshot.
            if (!_datapath.Conntrack.TryLookup(key, out var value))
                continue;
            var now = LibC.MonotonicNanoseconds();
            var timeout = (ulong)timeouts.For(key.Protocol, value.State).Ticks * 100;
            if (now > value.LastSeenNs && now - value.LastSeenNs > timeout && _datapath.Conntrack.Delete(key))
                ended.Add(new EndedFlow(key, value));
        }
        return new ConntrackCollection(scanned, ended);
    }
}
