using System.Runtime.CompilerServices;
using MicroSeg.Bpf.Interop;

namespace MicroSeg.Bpf;

/// <summary>
/// Typed access to one BPF map through its fd. <typeparamref name="TKey"/> and
/// <typeparamref name="TValue"/> must be exact mirrors of the C key/value structs
/// (checked against BTF by a test). The fd is owned by the <see cref="Datapath"/>.
/// </summary>
public sealed unsafe class BpfMap<TKey, TValue>
    where TKey : unmanaged
    where TValue : unmanaged
{
    internal BpfMap(string name, int fd)
    {
        Name = name;
        Fd = fd;
    }

    /// <summary>The map's name in the object, e.g. "ms_policy".</summary>
    public string Name { get; }

    internal int Fd { get; }

    /// <summary>Creates or replaces the entry (BPF_ANY).</summary>
    public void Update(in TKey key, in TValue value)
    {
        int rc;
        fixed (TKey* k = &key)
        fixed (TValue* v = &value)
            rc = LibBpf.MapUpdateElem(Fd, k, v, LibBpf.BpfAny);
        if (rc < 0)
            throw new BpfException("bpf_map_update_elem", rc, $"map {Name}");
    }

    /// <summary>Deletes the entry; false when it did not exist.</summary>
    public bool Delete(in TKey key)
    {
        int rc;
        fixed (TKey* k = &key)
            rc = LibBpf.MapDeleteElem(Fd, k);
        if (rc == -Errno.ENOENT)
            return false;
        if (rc < 0)
            throw new BpfException("bpf_map_delete_elem", rc, $"map {Name}");
        return true;
    }

    public bool TryLookup(in TKey key, out TValue value)
    {
        int rc;
        value = default;
        fixed (TKey* k = &key)
        fixed (TValue* v = &value)
            rc = LibBpf.MapLookupElem(Fd, k, v);
        if (rc == -Errno.ENOENT)
            return false;
        if (rc < 0)
            throw new BpfException("bpf_map_lookup_elem", rc, $"map {Name}");
        return true;
    }

    /// <summary>
    /// Walks the map with bpf_map_get_next_key. Entries deleted during the walk are skipped;
    /// as with any hash-map walk under concurrent deletes, a key may be seen twice.
    /// </summary>
    public IEnumerable<KeyValuePair<TKey, TValue>> Entries()
    {
        var hasPrevious = false;
        var previous = default(TKey);
        while (NextKey(hasPrevious, previous, out var key))
        {
            if (TryLookup(key, out var value))
                yield return new KeyValuePair<TKey, TValue>(key, value);
            previous = key;
            hasPrevious = true;
        }
    }

    /// <summary>
    /// Every entry, read with BPF_MAP_LOOKUP_BATCH (one syscall per <paramref name="batchSize"/> entries where
    /// <see cref="Entries"/> makes two per entry), materialized. A snapshot: an entry changed while it is read
    /// may appear with its old value, or not at all. Hash maps only (not per-CPU ones).
    /// </summary>
    public List<KeyValuePair<TKey, TValue>> ReadAll(int batchSize = 4096) => [.. EntriesInBatches(batchSize)];

    /// <summary>
    /// Every entry, streamed: read with BPF_MAP_LOOKUP_BATCH (one syscall per <paramref name="batchSize"/>
    /// entries instead of two per entry), holding one batch at a time, so a periodic reader of a large table
    /// neither makes millions of syscalls nor allocates the whole table. Each batch is a snapshot of whole
    /// hash buckets: an entry changed while it is read may appear with its old value, or not at all.
    /// Hash maps only (not per-CPU ones).
    /// </summary>
    public IEnumerable<KeyValuePair<TKey, TValue>> EntriesInBatches(int batchSize = 4096)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var keys = new TKey[batchSize];
        var values = new TValue[batchSize];
        var cursor = new byte[128]; // [0, 64): where the last batch ended, [64, 128): where this one ends
        var first = true;
        while (true)
        {
            var (count, done) = ReadBatch(keys, values, cursor, first);
            if (count < 0)
            {
                // A hash bucket holds more entries than the batch: the kernel returns whole buckets only.
                keys = new TKey[keys.Length * 2];
                values = new TValue[values.Length * 2];
                continue;
            }
            for (var i = 0; i < count; i++)
                yield return new KeyValuePair<TKey, TValue>(keys[i], values[i]);
            if (done)
                yield break;
            cursor.AsSpan(64, 64).CopyTo(cursor);
            first = false;
        }
    }

    private (int Count, bool Done) ReadBatch(TKey[] keys, TValue[] values, byte[] cursor, bool first)
    {
        var count = (uint)keys.Length;
        int rc;
        fixed (TKey* k = keys)
        fixed (TValue* v = values)
        fixed (byte* c = cursor)
            rc = LibBpf.MapLookupBatch(Fd, first ? null : c, c + 64, k, v, &count, null);
        if (rc == -Errno.ENOSPC && count == 0)
            return (-1, false);
        if (rc < 0 && rc != -Errno.ENOENT)
            throw new BpfException("bpf_map_lookup_batch", rc, $"map {Name}");
        return ((int)count, rc == -Errno.ENOENT);
    }

    /// <summary>All keys, materialized (safe to delete while iterating the result).</summary>
    public List<TKey> Keys()
    {
        var keys = new List<TKey>();
        var hasPrevious = false;
        var previous = default(TKey);
        while (NextKey(hasPrevious, previous, out var key))
        {
            keys.Add(key);
            previous = key;
            hasPrevious = true;
        }
        return keys;
    }

    /// <summary>Deletes every entry; returns how many were deleted.</summary>
    public int Clear()
    {
        var deleted = 0;
        foreach (var key in Keys())
        {
            if (Delete(key))
                deleted++;
        }
        return deleted;
    }

    private bool NextKey(bool hasPrevious, TKey previous, out TKey next)
    {
        int rc;
        next = default;
        fixed (TKey* n = &next)
            rc = LibBpf.MapGetNextKey(Fd, hasPrevious ? Unsafe.AsPointer(ref previous) : null, n);
        if (rc == -Errno.ENOENT)
            return false;
        if (rc < 0)
            throw new BpfException("bpf_map_get_next_key", rc, $"map {Name}");
        return true;
    }
}
