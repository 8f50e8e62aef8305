using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace MicroSeg.Grains.Interfaces.Policies;

/// <summary>An IPv4 or IPv6 address block with host bits cleared, comparable by containment.</summary>
/// <param name="Family">IPv4 or IPv6.</param>
/// <param name="Bits">The network address as an integer, host bits cleared.</param>
/// <param name="PrefixLength">Prefix length in bits.</param>
public readonly record struct CidrBlock(AddressFamily Family, UInt128 Bits, int PrefixLength)
{
    /// <summary>Address width in bits: 32 or 128.</summary>
    public int Width => Family == AddressFamily.InterNetwork ? 32 : 128;

    /// <summary>
    /// Parses "addr" or "addr/len" (the length in decimal without leading zeros); host bits are cleared.
    /// IPv4-mapped IPv6 addresses become IPv4.
    /// </summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out CidrBlock? block)
    {
        block = null;
        var slash = text.IndexOf('/');
        var addressText = slash < 0 ? text : text[..slash];
        if (!TryParseAddress(addressText, out var address))
            return false;
        var width = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var prefix = width;
        if (slash >= 0)
        {
            if (!CanonicalAddressText.IsDecimal(text.AsSpan(slash + 1), max: width))
                return false;
            prefix = int.Parse(text.AsSpan(slash + 1), System.Globalization.CultureInfo.InvariantCulture);
        }
        block = new CidrBlock(address.AddressFamily, Mask(ToBits(address), prefix, width), prefix);
        return true;
    }

    /// <summary>
    /// Parses a plain IPv4 address in canonical dotted decimal (four parts 0-255, no leading zeros: the
    /// legacy forms "10.1", "0x0a000001" and "010.0.0.1" that <see cref="IPAddress.TryParse(string?, out IPAddress?)"/>
    /// accepts are typos here, the last one octal) or an IPv6 address without zone; IPv4-mapped IPv6 addresses
    /// become IPv4.
    /// </summary>
    public static bool TryParseAddress(string text, [NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        if (text.Contains('%') || !CanonicalAddressText.IsCanonicalDottedQuad(text) || !IPAddress.TryParse(text, out var parsed))
            return false;
        address = parsed.IsIPv4MappedToIPv6 ? parsed.MapToIPv4() : parsed;
        return true;
    }

    /// <summary>Parses or throws <see cref="FormatException"/>.</summary>
    public static CidrBlock Parse(string text) =>
        TryParse(text, out var block) ? block.Value : throw new FormatException($"'{text}' is not an IP address or CIDR block.");

    /// <summary>The single-address block of an address (/32 or /128).</summary>
    public static CidrBlock Host(string address) => Parse(address);

    /// <summary>True when <paramref name="other"/> lies entirely inside this block.</summary>
    public bool Contains(CidrBlock other) =>
        other.Family == Family && other.PrefixLength >= PrefixLength && Mask(other.Bits, PrefixLength, Width) == Bits;

    /// <summary>Canonical "network/len" text.</summary>
    public override string ToString()
    {
        var bytes = new byte[Width / 8];
        var bits = Bits;
        for (var i = bytes.Length - 1; i >= 0; i--)
        {
            bytes[i] = (byte)bits;
            bits >>= 8;
        }
        return $"{new IPAddress(bytes)}/{PrefixLength}";
    }

    private static UInt128 ToBits(IPAddress address)
    {
        UInt128 bits = 0;
        foreach (var b in address.GetAddressBytes())
            bits = (bits << 8) | b;
        return bits;
    }

    private static UInt128 Mask(UInt128 bits, int prefix, int width)
    {
        if (prefix == 0)
            return 0;
        var hostBits = width - prefix;
        return hostBits == 0 ? bits : bits & ~((UInt128.One << hostBits) - 1);
    }
}
