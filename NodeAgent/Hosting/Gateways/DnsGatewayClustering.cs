using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Hosting;
using Orleans.Messaging;

namespace MicroSeg.NodeAgent.Hosting.Gateways;

/// <summary>Registers <see cref="DnsGatewayListProvider"/> as the client's <see cref="IGatewayListProvider"/>, as Orleans' own UseStaticClustering does.</summary>
internal static class DnsGatewayClustering
{
    public static IClientBuilder UseDnsGatewayClustering(this IClientBuilder builder, Action<GatewayDnsOptions> configure)
    {
        builder.Services.AddOptions<GatewayDnsOptions>().Configure(configure).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<GatewayDnsOptions>, GatewayDnsOptionsValidator>();
        builder.Services.TryAddSingleton<IGatewayNameResolver, DnsGatewayNameResolver>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IGatewayListProvider, DnsGatewayListProvider>();
        return builder;
    }
}
