namespace MicroSeg.Bpf;

/// <summary>
/// The conntrack table: ms_conntrack4 (IPv4 flows, 20-byte key) and ms_conntrack6 (IPv6 flows,
/// 44-byte key), one map per family so that the common IPv4 flow hashes and compares a short key.
/// Both hold <see cref="ConntrackValue"/>; callers use <see cref="ConntrackKey"/> for either family and
/// every operation goes to the family's map, and every walk covers both maps (IPv4 first), so a pass
/// or purge over the table can never miss a family.
/// </summary>
public sealed class ConntrackTable
{
    internal ConntrackTable(BpfMap<Conntrack4Key, ConntrackValue> ipv4, BpfMap<ConntrackKey, ConntrackValue> ipv6)
    {
        IPv4 = ipv4;
        IPv6 = ipv6;
    }

    /// <summary>ms_conntrack4.</summary>
    internal BpfMap<Conntrack4Key, ConntrackValue> IPv4 { get; }

    /// <summary>ms_conntrack6.</summary>
    internal BpfMap<ConntrackKey, ConntrackValue> IPv6 { get; }

    /// <summary>Creates or replaces the flow's entry in its family's map.</summary>
    public void Update(in ConntrackKey key, in ConntrackValue value)
    {
        if (IsIPv4(key))
            IPv4.Update(Conntrack4Key.From(key), value);
        else
            IPv6.Update(key, value);
    }

    /// <summary>Deletes the flow's entry; false when it did not exist.</summary>
    public bool Delete(in ConntrackKey key) =>
        IsIPv4(key) ? IPv4.Delete(Conntrack4Key.From(key)) : IPv6.Delete(key);

    public bool TryLookup(in ConntrackKey key, out ConntrackValue value) =>
        IsIPv4(key) ? IPv4.TryLookup(Conntrack4Key.From(key), out value) : IPv6.TryLookup(key, out value);

    /// <summary>Every entry of both maps, walked key by key (see <see cref="BpfMap{TKey,TValue}.Entries"/>).</summary>
    public IEnumerable<KeyValuePair<ConntrackKey, ConntrackValue>> Entries() =>
        IPv4.Entries().Select(Widen).Concat(IPv6.Entries());

    /// <summary>
    /// Every entry of both maps, streamed in batches (see <see cref="BpfMap{TKey,TValue}.EntriesInBatches"/>):
    /// one syscall per <paramref name="batchSize"/> entries, one batch held at a time.
    /// </summary>
    public IEnumerable<KeyValuePair<ConntrackKey, ConntrackValue>> EntriesInBatches(int batchSize = 4096)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        return IPv4.EntriesInBatches(batchSize).Select(Widen).Concat(IPv6.EntriesInBatches(batchSize));
    }

    /// <summary><see cref="EntriesInBatches"/>, materialized.</summary>
    public List<KeyValuePair<ConntrackKey, ConntrackValue>> ReadAll(int batchSize = 4096) => [.. EntriesInBatches(batchSize)];

    /// <summary>All keys of both maps, materialized (safe to delete while iterating the result).</summary>
    public List<ConntrackKey> Keys() => [.. IPv4.Keys().Select(k => k.ToKey()), .. IPv6.Keys()];

    /// <summary>Deletes every entry of both maps; returns how many were deleted.</summary>
    public int Clear() => IPv4.Clear() + IPv6.Clear();

    private static KeyValuePair<ConntrackKey, ConntrackValue> Widen(KeyValuePair<Conntrack4Key, ConntrackValue> entry) =>
        new(entry.Key.ToKey(), entry.Value);

    private static bool IsIPv4(in ConntrackKey key) => key.Family switch
    {
        IpFamily.IPv4 => true,
        IpFamily.IPv6 => false,
        _ => throw new ArgumentException($"Conntrack key {key.IfIndex}: family {(byte)key.Family} is neither IPv4 nor IPv6.", nameof(key)),
    };
}
