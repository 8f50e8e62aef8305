namespace MicroSeg.Grains.Rules;

/// <summary>64-bit FNV-1a, fed field by field: stable across processes and runs, unlike string.GetHashCode.</summary>
internal sealed class Fnv64
{
    public ulong Value { get; private set; } = 14695981039346656037UL;

    public Fnv64 Add(uint value)
    {
        for (var i = 0; i < 4; i++, value >>= 8)
            Value = (Value ^ (value & 0xFF)) * 1099511628211UL;
        return this;
    }

    public Fnv64 Add(ulong value) => Add((uint)value).Add((uint)(value >> 32));

    public Fnv64 Add(string value)
    {
        foreach (var c in value)
            Add(c);
        return Add(0x1Fu);
    }
}
