using MicroSeg.Bpf.Interop;

namespace MicroSeg.Bpf;

/// <summary>
/// A snapshot of ms_stats summed over CPUs: packets per <see cref="FlowReason"/> and per
/// <see cref="FlowVerdict"/> (stored at MS_STATS_VERDICT_BASE + verdict), and the event and
/// map-pressure counters.
/// </summary>
public sealed class DatapathCounters
{
    internal const int VerdictBase = 32;           // MS_STATS_VERDICT_BASE
    internal const int EventsSuppressedSlot = 48;  // MS_STATS_EVENTS_SUPPRESSED
    internal const int ConntrackCreatedSlot = 49;  // MS_STATS_CT_CREATED
    internal const int ConntrackCreateFailedSlot = 50; // MS_STATS_CT_CREATE_FAILED
    internal const int FragmentsTrackedSlot = 51;  // MS_STATS_FRAG_TRACKED
    internal const int ConntrackIPv6CreatedSlot = 52; // MS_STATS_CT6_CREATED
    internal const int ReportsSlot = 53;           // MS_STATS_REPORTS
    internal const int ReportsDeferredSlot = 54;   // MS_STATS_REPORTS_DEFERRED
    internal const int Slots = 64;                 // MS_STATS_MAX

    private readonly ulong[] _slots;

    private DatapathCounters(ulong[] slots) => _slots = slots;

    public ulong this[FlowReason reason] => _slots[(int)reason];

    public ulong Verdict(FlowVerdict verdict) => _slots[VerdictBase + (int)verdict];

    /// <summary>Events dropped because ms_events was full (the reader is too slow).</summary>
    public ulong EventsLost => _slots[(int)FlowReason.EventLost];

    /// <summary>Events not emitted because of <see cref="EventRateLimit"/>.</summary>
    public ulong EventsSuppressed => _slots[EventsSuppressedSlot];

    /// <summary>Flow reports written to ms_events (<see cref="FlowReport"/>).</summary>
    public ulong Reports => _slots[ReportsSlot];

    /// <summary>Flow reports that were due but not written (their rate limit, or a full ring); a later packet of the flow reports the growth.</summary>
    public ulong ReportsDeferred => _slots[ReportsDeferredSlot];

    /// <summary>Conntrack entries the data path wrote (new flows).</summary>
    public ulong ConntrackCreated => _slots[ConntrackCreatedSlot];

    /// <summary>Of <see cref="ConntrackCreated"/>, the IPv6 flows (written to ms_conntrack6); the rest went to ms_conntrack4.</summary>
    public ulong ConntrackIPv6Created => _slots[ConntrackIPv6CreatedSlot];

    /// <summary>Conntrack inserts that failed (the flow is evaluated again on its next packet).</summary>
    public ulong ConntrackCreateFailed => _slots[ConntrackCreateFailedSlot];

    /// <summary>First fragments whose verdict was recorded for their later fragments.</summary>
    public ulong FragmentsTracked => _slots[FragmentsTrackedSlot];

    /// <summary>
    /// Conntrack LRU pressure, approximated: entries created that neither the collector ended
    /// nor are still present were evicted by the LRU (or overwritten after expiring).
    /// <paramref name="endedByCollector"/> is the total of <see cref="ConntrackCollection.Ended"/>
    /// since load, <paramref name="entriesNow"/> the current entry count.
    /// </summary>
    public ulong EstimatedConntrackEvictions(ulong endedByCollector, ulong entriesNow) =>
        ConntrackCreated > endedByCollector + entriesNow ? ConntrackCreated - endedByCollector - entriesNow : 0;

    internal static unsafe DatapathCounters Read(int mapFd)
    {
        var cpus = LibBpf.NumPossibleCpus();
        if (cpus <= 0)
            throw new BpfException("libbpf_num_possible_cpus", cpus, "map ms_stats");
        var values = new ulong[cpus]; // per-CPU values are 8-byte aligned slots
        var slots = new ulong[Slots];
        fixed (ulong* v = values)
        {
            for (uint i = 0; i < Slots; i++)
            {
                var rc = LibBpf.MapLookupElem(mapFd, &i, v);
                if (rc < 0)
                    throw new BpfException("bpf_map_lookup_elem", rc, $"map ms_stats[{i}]");
                ulong sum = 0;
                foreach (var value in values)
                    sum += value;
                slots[i] = sum;
            }
        }
        return new DatapathCounters(slots);
    }
}
