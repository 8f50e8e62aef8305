using MicroSeg.Bpf.Interop;

namespace MicroSeg.Bpf;

/// <summary>
/// A snapshot of ms_stats summed over CPUs: packets per <see cref="FlowReason"/> and per
/// <see cref="FlowVerdict"/> (stored at MS_STATS_VERDICT_BASE + verdict).
/// </summary>
public sealed class DatapathCounters
{
    internal const int VerdictBase = 32; // MS_STATS_VERDICT_BASE
    internal const int Slots = 64;       // MS_STATS_MAX

    private readonly ulong[] _slots;

    private DatapathCounters(ulong[] slots) => _slots = slots;

    public ulong this[FlowReason reason] => _slots[(int)reason];

    public ulong Verdict(FlowVerdict verdict) => _slots[VerdictBase + (int)verdict];

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
