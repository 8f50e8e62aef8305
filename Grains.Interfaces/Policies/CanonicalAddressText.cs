namespace MicroSeg.Grains.Interfaces.Policies;

/// <summary>
/// The textual forms of addresses and prefix lengths we accept. .NET (like inet_aton) reads "010.0.0.1" as
/// octal 8.0.0.1 and "10.1" as 10.0.0.1: a user who typed either meant something else, and a rule written
/// for the wrong address reaches the kernel silently. So IPv4 text must be canonical dotted decimal.
/// </summary>
internal static class CanonicalAddressText
{
    /// <summary>
    /// True when every dotted-quad part of <paramref name="text"/> is canonical: exactly four parts of
    /// 0-255 in decimal without leading zeros. For IPv6 this checks an embedded IPv4 tail ("::ffff:198.18.0.1");
    /// text without '.' is left to the IPv6 parser.
    /// </summary>
    public static bool IsCanonicalDottedQuad(ReadOnlySpan<char> text)
    {
        var colon = text.LastIndexOf(':');
        var quad = colon < 0 ? text : text[(colon + 1)..];
        if (colon >= 0 && !quad.Contains('.'))
            return true;
        var parts = 0;
        foreach (var range in quad.Split('.'))
        {
            if (++parts > 4 || !IsDecimal(quad[range], max: 255))
                return false;
        }
        return parts == 4;
    }

    /// <summary>True when <paramref name="text"/> is a decimal number from 0 to <paramref name="max"/> without sign or leading zeros.</summary>
    public static bool IsDecimal(ReadOnlySpan<char> text, int max)
    {
        if (text.Length is 0 or > 3 || (text.Length > 1 && text[0] == '0'))
            return false;
        var value = 0;
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
                return false;
            value = value * 10 + (c - '0');
        }
        return value <= max;
    }
}
