using System.Globalization;
using System.Net;

namespace MicroSeg.NodeAgent.Hosting.Gateways;

/// <summary>One --gateway entry, HOST:PORT: an IP address (never resolved) or a DNS name (resolved again and again).</summary>
internal sealed record GatewayEntry(string Host, int Port, IPAddress? Address)
{
    /// <summary>True when the entry names a host to resolve, false for a literal address.</summary>
    public bool IsName => Address is null;

    /// <summary>Parses HOST:PORT, [IPv6]:PORT or IPv4:PORT; null when it is not one (the error says why).</summary>
    public static GatewayEntry? TryParse(string text, out string? error)
    {
        error = null;
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            error = $"--gateway '{text}' is not HOST:PORT with a port in 1-65535.";
            return null;
        }
        var host = text[..colon];
        var bracketed = host.StartsWith('[') && host.EndsWith(']');
        if (bracketed)
            host = host[1..^1];
        if (IPAddress.TryParse(host, out var address))
        {
            if (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && !bracketed)
            {
                // "fd00::1:30000" could be fd00::1 port 30000 or fd00::1:30000 without a port.
                error = $"--gateway '{text}': write an IPv6 address in brackets, [ADDRESS]:PORT.";
                return null;
            }
            return new GatewayEntry(host, port, address);
        }
        // An unbracketed IPv6 address ("::1:30000") is ambiguous; a name never holds ':' or brackets.
        if (bracketed || host.Contains(':') || Uri.CheckHostName(host) != UriHostNameType.Dns)
        {
            error = $"--gateway '{text}': '{host}' is neither an IP address ([IPv6]:PORT) nor a DNS name.";
            return null;
        }
        return new GatewayEntry(host, port, null);
    }

    public static GatewayEntry Parse(string text) =>
        TryParse(text, out var error) ?? throw new FormatException(error);

    public override string ToString() => Address is { AddressFamily: System.Net.Sockets.AddressFamily.InterNetworkV6 } ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
