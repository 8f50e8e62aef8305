using System.Net;
using System.Net.Sockets;

namespace MicroSeg.NodeAgent.Hosting.Gateways;

/// <summary>The system resolver (getaddrinfo: /etc/hosts, then DNS as nsswitch.conf says), both address families.</summary>
internal sealed class DnsGatewayNameResolver : IGatewayNameResolver
{
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
        Dns.GetHostAddressesAsync(host, AddressFamily.Unspecified, cancellationToken);
}
