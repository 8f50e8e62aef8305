using System.Text;

namespace MicroSeg.Grains.Common;

/// <summary>
/// The entries of a table shard (key to an entry's encoded bytes) packed into one byte array for storage. A shard is
/// written whole on every change; stored as a dictionary, Orleans' serializer spent ≈ 0.5 µs per entry on the key's
/// string and the value's array, for every entry on every write. Packed, a write copies the bytes of each entry into
/// one array and the serializer writes that. Each entry is its key (length-prefixed UTF-8, as <see cref="BinaryWriter"/>
/// writes strings), then its value's length (7-bit encoded) and bytes.
/// </summary>
internal sealed class PackedEntries
{
    private readonly Dictionary<string, byte[]> _entries;

    public PackedEntries() => _entries = new(StringComparer.Ordinal);

    private PackedEntries(Dictionary<string, byte[]> entries) => _entries = entries;

    public int Count => _entries.Count;

    public IEnumerable<KeyValuePair<string, byte[]>> Entries => _entries;

    public byte[] this[string key]
    {
        set => _entries[key] = value;
    }

    public bool Remove(string key) => _entries.Remove(key);

    public void Clear() => _entries.Clear();

    /// <summary>The entries as one array; empty when there are none.</summary>
    public byte[] Pack()
    {
        if (_entries.Count == 0)
            return [];
        var size = 0;
        foreach (var (key, value) in _entries)
            size += 10 + Encoding.UTF8.GetByteCount(key) + value.Length;
        using var stream = new MemoryStream(size);
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            foreach (var (key, value) in _entries)
            {
                writer.Write(key);
                writer.Write7BitEncodedInt(value.Length);
                writer.Write(value);
            }
        }
        return stream.ToArray();
    }

    /// <summary>Reads what <see cref="Pack"/> wrote; <paramref name="owner"/> names the shard in the error a damaged array gets.</summary>
    public static PackedEntries Unpack(byte[]? packed, string owner)
    {
        var entries = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        if (packed is not { Length: > 0 })
            return new PackedEntries(entries);
        using var reader = new BinaryReader(new MemoryStream(packed, writable: false), Encoding.UTF8);
        try
        {
            while (reader.BaseStream.Position < packed.Length)
            {
                var key = reader.ReadString();
                var length = reader.Read7BitEncodedInt();
                var value = reader.ReadBytes(length);
                if (value.Length != length)
                    throw new EndOfStreamException();
                entries[key] = value;
            }
        }
        catch (Exception e) when (e is EndOfStreamException or FormatException)
        {
            throw new InvalidOperationException($"{owner}: the stored entries are damaged after {entries.Count} entries.", e);
        }
        return new PackedEntries(entries);
    }
}
