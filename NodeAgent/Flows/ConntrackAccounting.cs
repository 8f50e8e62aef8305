using MicroSeg.Bpf;

namespace MicroSeg.NodeAgent.Flows;

/// <summary>
/// Packets and bytes of allowed connections, from the conntrack table: flow events report a connection once,
/// when it opens, so what a long-lived connection carries afterwards is only in its conntrack counters. Each
/// <see cref="Scan"/> hands the growth of every entry since the previous scan to the aggregator, keyed as the
/// connection's opening event was (same endpoint, direction, addresses, port, rule), so both land in one sample.
/// At most <c>maxTracked</c> entries are remembered between scans (memory stays bounded with a full table); the
/// rest are counted in <see cref="Untracked"/>. What an entry carries between its last scan and its end is not
/// seen (the collector deletes ended entries); endpoints in monitor mode are left out, since an entry does not say
/// whether its connection was a would-deny one. Scans run on their own thread, so a large table never holds up
/// the draining of the ring buffer; the growth is handed over as a list. Used from one thread.
/// </summary>
internal sealed class ConntrackAccounting(Datapath datapath, int maxTracked)
{
    private Dictionary<ConntrackKey, (ulong Packets, ulong Bytes)> _previous = new(ConntrackKeyComparer.Instance);

    /// <summary>Entries of the last scan that did not fit the remembered set.</summary>
    public int Untracked { get; private set; }

    /// <summary>Reads the table; the growth of every entry since the previous scan.</summary>
    public List<CounterGrowth> Scan()
    {
        var growth = new List<CounterGrowth>();
        var monitored = new HashSet<uint>();
        foreach (var (ifindex, endpoint) in datapath.Endpoints.Entries())
        {
            if (endpoint.Mode == EndpointMode.Monitor)
                monitored.Add(ifindex);
        }
        var current = new Dictionary<ConntrackKey, (ulong, ulong)>(Math.Min(_previous.Count + 1024, maxTracked), ConntrackKeyComparer.Instance);
        var untracked = 0;
        // In batches: this runs every flow interval over the whole table (two syscalls per entry would be
        // ≈ 2M every interval at 1M flows).
        foreach (var (key, value) in datapath.Conntrack.EntriesInBatches())
        {
            if (monitored.Contains(key.IfIndex))
                continue;
            if (current.Count >= maxTracked)
            {
                untracked++;
                continue;
            }
            var packets = value.PacketsOriginal + value.PacketsReply;
            var bytes = value.BytesOriginal + value.BytesReply;
            current[key] = (packets, bytes);
            var (seenPackets, seenBytes) = _previous.GetValueOrDefault(key);
            // A smaller count is a new connection that reuses the key: all of it is new.
            var (newPackets, newBytes) = packets >= seenPackets && bytes >= seenBytes ? (packets - seenPackets, bytes - seenBytes) : (packets, bytes);
            if (newPackets > 0 || newBytes > 0)
                growth.Add(new CounterGrowth(key, value, (long)newPackets, (long)newBytes));
        }
        _previous = current;
        Untracked = untracked;
        return growth;
    }

    /// <summary>What one conntrack entry carried since the previous scan.</summary>
    internal readonly record struct CounterGrowth(ConntrackKey Key, ConntrackValue Value, long Packets, long Bytes);

    /// <summary>Compares keys by their bytes (the ABI struct holds inline arrays).</summary>
    private sealed class ConntrackKeyComparer : IEqualityComparer<ConntrackKey>
    {
        public static readonly ConntrackKeyComparer Instance = new();

        public bool Equals(ConntrackKey x, ConntrackKey y) =>
            System.Runtime.InteropServices.MemoryMarshal.AsBytes(new ReadOnlySpan<ConntrackKey>(in x))
                .SequenceEqual(System.Runtime.InteropServices.MemoryMarshal.AsBytes(new ReadOnlySpan<ConntrackKey>(in y)));

        public int GetHashCode(ConntrackKey key)
        {
            var hash = new HashCode();
            hash.AddBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(new ReadOnlySpan<ConntrackKey>(in key)));
            return hash.ToHashCode();
        }
    }
}
