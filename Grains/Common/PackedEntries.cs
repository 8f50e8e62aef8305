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
    // Each entry as it is packed (key, length, value), framed once when it is set so that a pack only copies arrays,
    // and where its value starts in that array.
    private readonly Dictionary<string, (byte[] Framed, int ValueAt)> _entries;

    public PackedEntries() => _entries = new(StringComparer.Ordinal);

    private PackedEntries(Dictionary<string, (byte[] Framed, int ValueAt)> entries) => _entries = entries;

    public int Count => _entries.Count;

    /// <summary>Each entry's key and value (the value is read in place: it is valid until the entry is set again).</summary>
    public IEnumerable<KeyValuePair<string, ReadOnlyMemory<byte>>> Entries =>
        _entries.Select(e => KeyValuePair.Create(e.Key, (ReadOnlyMemory<byte>)e.Value.Framed.AsMemory(e.Value.ValueAt)));

    /// <summary>The value of <paramref name="key"/>, read in place; false when there is none.</summary>
    public bool TryGetValue(string key, out ReadOnlyMemory<byte> value)
    {
        if (_entries.TryGetValue(key, out var entry))
        {
            value = entry.Framed.AsMemory(entry.ValueAt);
            return true;
        }
        value = default;
        return false;
    }

    public byte[] this[string key]
    {
        set => _entries[key] = Framed(key, value);
    }

    public bool Remove(string key) => _entries.Remove(key);

    public void Clear() => _entries.Clear();

    /// <summary>The entries as one array; empty when there are none.</summary>
    public byte[] Pack()
    {
        var size = 0;
        foreach (var (_, (framed, _)) in _entries)
            size += framed.Length;
        var packed = new byte[size];
        var at = 0;
        foreach (var (_, (framed, _)) in _entries)
        {
            framed.CopyTo(packed, at);
            at += framed.Length;
        }
        return packed;
    }

    private static (byte[] Framed, int ValueAt) Framed(string key, byte[] value)
    {
        using var stream = new MemoryStream(10 + Encoding.UTF8.GetByteCount(key) + value.Length);
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(key);
            writer.Write7BitEncodedInt(value.Length);
            writer.Write(value);
        }
        var framed = stream.ToArray();
        return (framed, framed.Length - value.Length);
    }

    /// <summary>Reads what <see cref="Pack"/> wrote; <paramref name="owner"/> names the shard in the error a damaged array gets.</summary>
    public static PackedEntries Unpack(byte[]? packed, string owner)
    {
        var entries = new Dictionary<string, (byte[] Framed, int ValueAt)>(StringComparer.Ordinal);
        if (packed is not { Length: > 0 })
            return new PackedEntries(entries);
        using var reader = new BinaryReader(new MemoryStream(packed, writable: false), Encoding.UTF8);
        try
        {
            while (reader.BaseStream.Position < packed.Length)
            {
                var start = (int)reader.BaseStream.Position;
                var key = reader.ReadString();
                var length = reader.Read7BitEncodedInt();
                var valueAt = (int)reader.BaseStream.Position;
                if (length < 0 || length > packed.Length - valueAt)
                    throw new EndOfStreamException();
                reader.BaseStream.Position = valueAt + length;
                entries[key] = (packed[start..(valueAt + length)], valueAt - start);
            }
        }
        catch (Exception e) when (e is IOException or FormatException)
        {
            throw new InvalidOperationException($"{owner}: the stored entries are damaged after {entries.Count} entries.", e);
        }
        return new PackedEntries(entries);
    }
}
