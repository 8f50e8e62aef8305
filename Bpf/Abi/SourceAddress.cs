using System.Net;
using System.Runtime.InteropServices;

namespace MicroSeg.Bpf;

/// <summary>
/// Key of ms_source_addrs, mirror of <c>struct ms_source_key</c> (24 bytes): one address
/// the workload behind the host-side interface <see cref="IfIndex"/> may send from.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct SourceAddressKey
{
    public uint IfIndex;
    public IpFamily Family;
    private byte _pad0, _pad1, _pad2;
    public IpAddressBytes Address;

    public SourceAddressKey(uint ifindex, IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        IfIndex = ifindex;
        Family = IpAddressBytes.FamilyOf(address);
        _pad0 = _pad1 = _pad2 = 0;
        Address = IpAddressBytes.From(address);
    }

    public readonly IPAddress IPAddress => Address.ToIPAddress(Family);

    public override readonly string ToString() => $"if{IfIndex} {IPAddress}";
}

/// <summary>Value of ms_source_addrs, mirror of <c>struct ms_source_value</c>. Reserved: always 0.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct SourceAddressValue
{
    public uint Flags;
}
