using System.Net;
using System.Net.Sockets;

namespace MicroSeg.NodeAgent.Hosting;

/// <summary>Turns a --gateway entry (HOST:PORT, HOST a name or an address) into an endpoint.</summary>
internal static class GatewayEndpoint
{
    /// <summary>
    /// Every endpoint of an entry: a name with several addresses (a Kubernetes headless Service of the silos)
    /// gives all of them, so the agent starts knowing every gateway, not only the first one DNS lists.
    /// </summary>
    public static IEnumerable<IPEndPoint> ParseAll(string gateway)
    {
        var colon = gateway.LastIndexOf(':');
        var host = gateway[..colon].Trim('[', ']');
        if (IPAddress.TryParse(host, out _))
            return [Parse(gateway)];
        var port = int.Parse(gateway.AsSpan(colon + 1), System.Globalization.CultureInfo.InvariantCulture);
        var addresses = Dns.GetHostAddresses(host);
        var v4 = addresses.Where(a => a.AddressFamily == AddressFamily.InterNetwork).ToList();
        var chosen = v4.Count > 0 ? v4 : [.. addresses];
        if (chosen.Count == 0)
            throw new ArgumentException($"--gateway '{gateway}': host '{host}' has no address.", nameof(gateway));
        return chosen.Select(a => new IPEndPoint(a, port));
    }

    public static IPEndPoint Parse(string gateway)
    {
        var colon = gateway.LastIndexOf(':');
        var host = gateway[..colon].Trim('[', ']');
        var port = int.Parse(gateway.AsSpan(colon + 1), System.Globalization.CultureInfo.InvariantCulture);
        if (IPAddress.TryParse(host, out var address))
            return new IPEndPoint(address, port);
        // Prefer IPv4: silos advertise an IPv4 address by default.
        var addresses = Dns.GetHostAddresses(host);
        var chosen = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault()
            ?? throw new ArgumentException($"--gateway '{gateway}': host '{host}' has no address.", nameof(gateway));
        return new IPEndPoint(chosen, port);
    }
}
