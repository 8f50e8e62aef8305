using System.Runtime.InteropServices;

namespace MicroSeg.Bpf;

/// <summary>
/// Key of ms_conntrack4, mirror of <c>struct ms_ct4_key</c> (20 bytes): an IPv4 flow at one endpoint.
/// Callers use <see cref="ConntrackKey"/> for both families; <see cref="ConntrackTable"/> converts.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct Conntrack4Key
{
    public uint IfIndex;
    public byte Protocol;
    private byte _pad0, _pad1, _pad2;
    public ushort LocalPort;
    public ushort RemotePort;
    public uint LocalAddress;  // the 4 address bytes in network order, as stored
    public uint RemoteAddress;

    /// <summary>The IPv4 key of <paramref name="key"/>, which must be an IPv4 flow.</summary>
    public static Conntrack4Key From(in ConntrackKey key)
    {
        if (key.Family != IpFamily.IPv4)
            throw new ArgumentException($"Conntrack key {key} is not IPv4 (family {key.Family}).", nameof(key));
        return new Conntrack4Key
        {
            IfIndex = key.IfIndex,
            Protocol = key.Protocol,
            LocalPort = key.LocalPort,
            RemotePort = key.RemotePort,
            LocalAddress = MemoryMarshal.Read<uint>(key.LocalAddress),
            RemoteAddress = MemoryMarshal.Read<uint>(key.RemoteAddress),
        };
    }

    /// <summary>The same flow as a <see cref="ConntrackKey"/> (addresses in bytes 0..3, the rest zero).</summary>
    public readonly ConntrackKey ToKey()
    {
        var key = new ConntrackKey
        {
            IfIndex = IfIndex,
            Family = IpFamily.IPv4,
            Protocol = Protocol,
            LocalPort = LocalPort,
            RemotePort = RemotePort,
        };
        MemoryMarshal.Write(key.LocalAddress, LocalAddress);
        MemoryMarshal.Write(key.RemoteAddress, RemoteAddress);
        return key;
    }
}
