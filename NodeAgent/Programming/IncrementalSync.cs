using MicroSeg.Bpf;

namespace MicroSeg.NodeAgent.Programming;

/// <summary>
/// Brings a map from the content this agent last wrote to a new desired content without reading the
/// map back: writes what was added or changed, then deletes what went away (adds before deletes, as
/// <see cref="MapSync"/>). The periodic full <see cref="MapSync"/> pass repairs anything changed
/// behind the agent's back.
/// </summary>
internal static class IncrementalSync
{
    public static MapSyncResult Apply<TKey, TValue>(BpfMap<TKey, TValue> map, IReadOnlyDictionary<TKey, TValue> previous, IReadOnlyDictionary<TKey, TValue> desired)
        where TKey : unmanaged
        where TValue : unmanaged
    {
        int added = 0, changed = 0, deleted = 0;
        foreach (var (key, value) in desired)
        {
            if (!previous.TryGetValue(key, out var before))
            {
                map.Update(key, value);
                added++;
            }
            else if (!ByteComparer<TValue>.Instance.Equals(before, value))
            {
                map.Update(key, value);
                changed++;
            }
        }
        foreach (var key in previous.Keys)
        {
            if (!desired.ContainsKey(key))
            {
                map.Delete(key);
                deleted++;
            }
        }
        return new MapSyncResult(added, changed, deleted);
    }
}
