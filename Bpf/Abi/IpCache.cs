using System.Net;
using System.Runtime.InteropServices;

namespace MicroSeg.Bpf;

/// <summary>
/// Key of ms_ipcache (LPM trie) and ms_ipcache_hosts (hash, single addresses only), mirror of
/// <c>struct ms_ipcache_key</c> (24 bytes).
/// <see cref="PrefixLength"/> counts the 32 bits of family+pad plus the address prefix.
/// Host bits beyond the prefix are zeroed so equal prefixes have equal keys.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct IpCacheKey
{
    /// <summary>Bits of the key that must match, after this field itself.</summary>
    public const int StaticPrefixBits = 32;

    public uint PrefixLength;
    public IpFamily Family;
    private byte _pad0;
    private byte _pad1;
    private byte _pad2;
    public IpAddressBytes Address;

    /// <summary>The address prefix length (0..32 or 0..128).</summary>
    public readonly int AddressPrefixLength => (int)PrefixLength - StaticPrefixBits;

    /// <summary>A single address (/32, /128): its place is <see cref="Datapath.IpCacheHosts"/>, not the trie.</summary>
    public readonly bool IsHost => AddressPrefixLength == (Family == IpFamily.IPv4 ? 32 : 128);

    public static IpCacheKey FromPrefix(IPAddress address, int prefixLength)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        var family = IpAddressBytes.FamilyOf(address);
        var maxBits = family == IpFamily.IPv4 ? 32 : 128;
        if (prefixLength < 0 || prefixLength > maxBits)
            throw new ArgumentOutOfRangeException(nameof(prefixLength), prefixLength, $"Prefix length must be 0..{maxBits} for {address}.");

        var key = new IpCacheKey
        {
            PrefixLength = (uint)(StaticPrefixBits + prefixLength),
            Family = family,
            Address = IpAddressBytes.From(address),
        };
        Span<byte> bytes = key.Address;
        for (var bit = prefixLength; bit < 128; bit++)
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        return key;
    }

    /// <summary>Parses "198.18.0.0/24", "fd00::/64", or a bare address (full-length prefix).</summary>
    public static IpCacheKey FromCidr(string cidr)
    {
        ArgumentNullException.ThrowIfNull(cidr);
        var slash = cidr.IndexOf('/');
        var addressText = slash < 0 ? cidr : cidr[..slash];
        if (!IPAddress.TryParse(addressText, out var address))
            throw new FormatException($"CIDR '{cidr}' has an invalid address.");
        if (slash < 0)
            return FromPrefix(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
        if (!int.TryParse(cidr.AsSpan(slash + 1), out var length))
            throw new FormatException($"CIDR '{cidr}' has an invalid prefix length.");
        return FromPrefix(address, length);
    }

    public override readonly string ToString() => $"{Address.ToIPAddress(Family)}/{AddressPrefixLength}";
}

/// <summary>Value of ms_ipcache, mirror of <c>struct ms_ipcache_value</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct IpCacheValue
{
    public uint Identity;

    /// <summary>Reserved, 0.</summary>
    public uint Flags;

    public IpCacheValue(uint identity)
    {
        Identity = identity;
        Flags = 0;
    }
}
