using System.Runtime.InteropServices;

namespace MicroSeg.Bpf;

/// <summary>What <see cref="MapSync.Apply{TKey,TValue}"/> changed.</summary>
public readonly record struct MapSyncResult(int Added, int Changed, int Deleted)
{
    public bool Unchanged => Added == 0 && Changed == 0 && Deleted == 0;
}

/// <summary>
/// Brings a map to a desired state. Adds and changes are written before extras are
/// deleted, so a packet never sees a state where an entry allowed both before and after
/// the update is missing (no transient drops of allowed traffic).
/// </summary>
public static class MapSync
{
    public static MapSyncResult Apply<TKey, TValue>(BpfMap<TKey, TValue> map, IReadOnlyDictionary<TKey, TValue> desired)
        where TKey : unmanaged
        where TValue : unmanaged
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(desired);

        // Compare keys and values by their bytes: the kernel does, and it makes the result
        // independent of the comparer the caller built 'desired' with.
        var current = new Dictionary<TKey, TValue>(ByteComparer<TKey>.Instance);
        foreach (var (key, value) in map.Entries())
            current[key] = value;

        int added = 0, changed = 0, deleted = 0;
        var wanted = new HashSet<TKey>(ByteComparer<TKey>.Instance);
        foreach (var (key, value) in desired)
        {
            wanted.Add(key);
            if (!current.TryGetValue(key, out var existing))
            {
                map.Update(key, value);
                added++;
            }
            else if (!ByteComparer<TValue>.Instance.Equals(existing, value))
            {
                map.Update(key, value);
                changed++;
            }
        }

        foreach (var key in current.Keys)
        {
            if (!wanted.Contains(key) && map.Delete(key))
                deleted++;
        }

        return new MapSyncResult(added, changed, deleted);
    }
}

/// <summary>
/// Equality of unmanaged structs by their bytes (padding included; ours is zeroed), as the
/// kernel compares map keys. Use it for dictionaries keyed by map keys: keys holding inline
/// arrays (addresses) have no built-in equality.
/// </summary>
public sealed class ByteComparer<T> : IEqualityComparer<T>
    where T : unmanaged
{
    public static readonly ByteComparer<T> Instance = new();

    public bool Equals(T x, T y) =>
        MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in x)).SequenceEqual(MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in y)));

    public int GetHashCode(T obj)
    {
        var hash = new HashCode();
        hash.AddBytes(MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in obj)));
        return hash.ToHashCode();
    }
}
