using MicroSeg.Runtime.Hosting;
using MicroSeg.Runtime.Postgres;
using Microsoft.Extensions.Options;

namespace MicroSeg.Runtime.Client;

/// <summary>Where the client finds gateways (Orleans <c>IGatewayListProvider</c>); asked again before each round of connection attempts.</summary>
internal interface IGatewayListProvider
{
    Task<IReadOnlyList<string>> GetGatewaysAsync(CancellationToken cancellationToken);
}

/// <summary>The gateways of <see cref="ClientMessagingOptions.Gateways"/> (UseStaticGateways).</summary>
internal sealed class StaticGatewayListProvider(IOptions<ClientMessagingOptions> options) : IGatewayListProvider
{
    public Task<IReadOnlyList<string>> GetGatewaysAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>(options.Value.Gateways);
}

/// <summary>The gateways of the active silos in the PostgreSQL membership table.</summary>
internal sealed class PostgresGatewayListProvider(PostgresMembershipTable table) : IGatewayListProvider
{
    public Task<IReadOnlyList<string>> GetGatewaysAsync(CancellationToken cancellationToken) => table.ReadGatewaysAsync(cancellationToken);
}
