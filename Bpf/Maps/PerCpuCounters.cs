using MicroSeg.Bpf.Interop;

namespace MicroSeg.Bpf;

/// <summary>Reads a per-CPU hash of <c>__u64</c> counters: every key with its value summed over CPUs.</summary>
internal static unsafe class PerCpuCounters
{
    public static Dictionary<TKey, ulong> Read<TKey>(int fd, string mapName)
        where TKey : unmanaged
    {
        var cpus = LibBpf.NumPossibleCpus();
        if (cpus <= 0)
            throw new BpfException("libbpf_num_possible_cpus", cpus, $"map {mapName}");
        var values = new ulong[cpus]; // one 8-byte slot per possible CPU
        var totals = new Dictionary<TKey, ulong>();
        var key = default(TKey);
        var next = default(TKey);
        var first = true;
        fixed (ulong* v = values)
        {
            while (true)
            {
                var rc = LibBpf.MapGetNextKey(fd, first ? null : &key, &next);
                if (rc == -Errno.ENOENT)
                    break;
                if (rc < 0)
                    throw new BpfException("bpf_map_get_next_key", rc, $"map {mapName}");
                first = false;
                key = next;
                rc = LibBpf.MapLookupElem(fd, &key, v);
                if (rc == -Errno.ENOENT)
                    continue; // evicted (LRU) while walking
                if (rc < 0)
                    throw new BpfException("bpf_map_lookup_elem", rc, $"map {mapName}");
                ulong sum = 0;
                foreach (var value in values)
                    sum += value;
                totals[key] = sum;
            }
        }
        return totals;
    }
}
