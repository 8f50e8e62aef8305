using MicroSeg.Runtime.Activation;
using MicroSeg.Runtime.Gateway;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MicroSeg.Runtime.Hosting;

/// <summary>Starts the gateway and the activation collector; on stop closes client connections and deactivates every grain.</summary>
internal sealed class SiloHostedService(GatewayServer gateway, Catalog catalog, IOptions<GrainCollectionOptions> collection, TimeProvider time) : IHostedService
{
    private static readonly TimeSpan s_expiryPeriod = TimeSpan.FromSeconds(1);
    private ITimer? _collector;
    private ITimer? _expiry;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var options = collection.Value;
        await gateway.StartAsync(cancellationToken).ConfigureAwait(false);
        _collector = time.CreateTimer(_ => catalog.CollectIdle(options.CollectionAge), null, options.CollectionQuantum, options.CollectionQuantum);
        _expiry = time.CreateTimer(_ => catalog.ExpireCalls(), null, s_expiryPeriod, s_expiryPeriod);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _collector?.Dispose();
        _expiry?.Dispose();
        await gateway.StopAsync(cancellationToken).ConfigureAwait(false);
        await catalog.DeactivateAllAsync(collection.Value.DeactivationTimeout).ConfigureAwait(false);
    }
}
