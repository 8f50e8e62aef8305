using System.Net;

namespace MicroSeg.NodeAgent.Hosting.Gateways;

/// <summary>Resolves a gateway's host name to its addresses (DNS in the agent; a fixed table in tests).</summary>
internal interface IGatewayNameResolver
{
    /// <summary>Every IPv4 and IPv6 address of <paramref name="host"/>; throws when the name does not resolve.</summary>
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken);
}
