using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace MicroSeg.Bpf;

/// <summary>
/// The 16-byte address field of the ABI (<c>__u8 addr[16]</c>): IPv4 in bytes 0..3, the
/// rest zero; IPv6 in network order.
/// </summary>
[InlineArray(16)]
public struct IpAddressBytes
{
    private byte _element0;

    public static IpAddressBytes From(IPAddress address)
    {
        var bytes = default(IpAddressBytes);
        if (!address.TryWriteBytes(bytes, out _))
            throw new ArgumentException($"Address {address} does not fit 16 bytes.", nameof(address));
        return bytes;
    }

    public readonly IPAddress ToIPAddress(IpFamily family) => family switch
    {
        IpFamily.IPv4 => new IPAddress(((ReadOnlySpan<byte>)this)[..4]),
        IpFamily.IPv6 => new IPAddress((ReadOnlySpan<byte>)this),
        _ => throw new ArgumentOutOfRangeException(nameof(family), family, "Family must be IPv4 or IPv6."),
    };

    internal static IpFamily FamilyOf(IPAddress address) => address.AddressFamily switch
    {
        AddressFamily.InterNetwork => IpFamily.IPv4,
        AddressFamily.InterNetworkV6 => IpFamily.IPv6,
        _ => throw new ArgumentException($"Address {address} is neither IPv4 nor IPv6.", nameof(address)),
    };
}
