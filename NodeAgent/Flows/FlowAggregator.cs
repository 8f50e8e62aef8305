using System.Runtime.InteropServices;
using MicroSeg.Bpf;
using MicroSeg.NodeAgent.Programming;
using MicroSeg.Grains.Interfaces.Flows;
using BpfDirection = MicroSeg.Bpf.TrafficDirection;
using BpfVerdict = MicroSeg.Bpf.FlowVerdict;
using NodeDirection = MicroSeg.Grains.Interfaces.Nodes.TrafficDirection;
using SampleVerdict = MicroSeg.Grains.Interfaces.Flows.FlowVerdict;

namespace MicroSeg.NodeAgent.Flows;

/// <summary>
/// Sums flow events of one interval by (endpoint, direction, source, destination, destination port, protocol,
/// verdict, deciding rule, reason). The data plane reports an allowed connection once, when it creates its
/// conntrack entry (a SYN reusing a closed connection's ports creates a new one), so every allowed event is a
/// connection: at thousands of connections per second a client reuses its source ports within seconds, and
/// deduplicating them by port would undercount. A denied connection is reported at every packet (each SYN retry),
/// so a denied or would-deny connection, one source address and port, is counted the first time it is seen within
/// the last two intervals. Packets and bytes of allowed connections come from the data path's flow reports
/// (<see cref="AddReport"/>); those of denied and would-deny ones are the events themselves. Used from one thread.
/// </summary>
internal sealed class FlowAggregator(int maxKeys)
{
    private Dictionary<Key, Tally> _current = [];
    private HashSet<Connection> _seen = [];
    private HashSet<Connection> _seenBefore = [];

    /// <summary>Events that fit no key because <c>maxKeys</c> were in use this interval (a flood of distinct flows).</summary>
    public long Overflowed { get; private set; }

    /// <summary>Keys of the current interval.</summary>
    public int Count => _current.Count;

    /// <summary>Adds one event; returns true when it opened a connection not seen before.</summary>
    public bool Add(in FlowEvent e)
    {
        var key = new Key(e.IfIndex, e.Direction, e.Family, Wide(e.SourceAddress), Wide(e.DestinationAddress), e.DestinationPort, e.Protocol,
            e.Verdict, e.RuleId, e.Reason);
        if (!_current.TryGetValue(key, out var tally))
        {
            if (_current.Count >= maxKeys)
            {
                Overflowed++;
                return false;
            }
            _current[key] = tally = new Tally { FirstNs = e.TimestampNs, Source = e.SourceAddress, Destination = e.DestinationAddress };
        }
        if (e.Verdict != BpfVerdict.Allowed)
            tally.Packets++;
        tally.FirstNs = Math.Min(tally.FirstNs, e.TimestampNs);
        tally.LastNs = Math.Max(tally.LastNs, e.TimestampNs);
        tally.Revision = Math.Max(tally.Revision, e.PolicyRevision);
        if (e.Verdict != BpfVerdict.Allowed)
        {
            var connection = new Connection(key, e.SourcePort);
            if (_seenBefore.Contains(connection) || !_seen.Add(connection))
                return false;
        }
        tally.Connections++;
        return true;
    }

    /// <summary>
    /// Adds what an allowed connection carried since its previous report, under the key of the event that opened it:
    /// the data path writes the report's flow as that event was (the endpoint's program that saw its first packet
    /// decided it; rule, and reason <see cref="FlowReason.PolicyAllow"/> or <see cref="FlowReason.DefaultAllow"/>).
    /// The report's policy revision is not taken: the connection was decided under the opening event's.
    /// </summary>
    public void AddReport(in FlowReport report)
    {
        ref readonly var e = ref report.Flow;
        var k = new Key(e.IfIndex, e.Direction, e.Family, Wide(e.SourceAddress), Wide(e.DestinationAddress), e.DestinationPort, e.Protocol,
            BpfVerdict.Allowed, e.RuleId, e.Reason);
        if (!_current.TryGetValue(k, out var tally))
        {
            if (_current.Count >= maxKeys)
            {
                Overflowed++;
                return;
            }
            _current[k] = tally = new Tally { FirstNs = e.TimestampNs, LastNs = e.TimestampNs, Source = e.SourceAddress, Destination = e.DestinationAddress };
        }
        tally.Packets += (long)report.Packets;
        tally.Bytes += (long)report.Bytes;
        tally.LastNs = Math.Max(tally.LastNs, e.TimestampNs);
    }

    /// <summary>
    /// Ends the interval: its samples, named by <paramref name="workloadOf"/> (an endpoint no longer known is left
    /// out and counted in <paramref name="unattributed"/>), with monotonic times turned into wall-clock ones.
    /// </summary>
    public List<FlowSample> Flush(Func<uint, string?> workloadOf, Func<ulong, DateTimeOffset> wallTime, out long unattributed)
    {
        var samples = new List<FlowSample>(_current.Count);
        unattributed = 0;
        foreach (var (k, t) in _current)
        {
            if (workloadOf(k.IfIndex) is not { } workload)
            {
                unattributed += t.Packets;
                continue;
            }
            samples.Add(new FlowSample(workload, k.Direction == BpfDirection.Ingress ? NodeDirection.Ingress : NodeDirection.Egress,
                t.Source.ToIPAddress(k.Family).ToString(), t.Destination.ToIPAddress(k.Family).ToString(), k.Port, k.Protocol,
                VerdictOf(k.Verdict), k.RuleId, MonitorCounters.ReasonName(k.Reason), (long)t.Revision, wallTime(t.FirstNs), wallTime(t.LastNs),
                t.Connections, t.Packets, t.Bytes));
        }
        _current = [];
        (_seenBefore, _seen) = (_seen, _seenBefore);
        _seen.Clear();
        return samples;
    }

    internal static SampleVerdict VerdictOf(BpfVerdict verdict) => verdict switch
    {
        BpfVerdict.Denied => SampleVerdict.Deny,
        BpfVerdict.WouldDeny => SampleVerdict.WouldDeny,
        _ => SampleVerdict.Allow,
    };

    private static UInt128 Wide(IpAddressBytes address) => MemoryMarshal.Read<UInt128>(address);

    private readonly record struct Key(uint IfIndex, BpfDirection Direction, IpFamily Family, UInt128 Source, UInt128 Destination,
        ushort Port, byte Protocol, BpfVerdict Verdict, uint RuleId, FlowReason Reason);

    private readonly record struct Connection(Key Key, ushort SourcePort);

    private sealed class Tally
    {
        public ulong FirstNs;
        public ulong LastNs;
        public ulong Revision;
        public long Packets;
        public long Connections;
        public long Bytes;
        public IpAddressBytes Source;
        public IpAddressBytes Destination;
    }
}
