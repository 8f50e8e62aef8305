namespace MicroSeg.NodeAgent.Hosting.Gateways;

/// <summary>Where the agent's cluster client finds its gateways: the --gateway entries, names re-resolved periodically.</summary>
internal sealed class GatewayDnsOptions
{
    /// <summary>The entries as HOST:PORT (an IP address, [IPv6], or a DNS name). Required.</summary>
    public List<string> Gateways { get; set; } = [];

    /// <summary>
    /// How old the resolved addresses of a name may get before the next request of the client's gateway list
    /// (Orleans' <c>GatewayOptions.GatewayListRefreshPeriod</c>) resolves it again. Default 30 s.
    /// </summary>
    public TimeSpan RefreshPeriod { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one resolution may take before it counts as failed (the last good addresses stay). Default 5 s.</summary>
    public TimeSpan ResolveTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
