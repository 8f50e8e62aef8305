using MicroSeg.Runtime.Activation;
using MicroSeg.Runtime.Client;
using MicroSeg.Runtime.Streams;
using Microsoft.Extensions.DependencyInjection;

namespace MicroSeg.Runtime;

/// <summary>Stream access from a cluster client or silo code (Orleans <c>ClusterClient.GetStreamProvider</c>).</summary>
public static class ClientStreamingExtensions
{
    /// <summary>
    /// Gets a stream provider. In a silo it is the provider registered under <paramref name="name"/>; in an external
    /// client it publishes through the gateway to the silo's provider of that name. Neither may subscribe (grains do).
    /// </summary>
    /// <param name="client">The client (or the silo's IClusterClient).</param>
    /// <param name="name">The provider name.</param>
    /// <returns>The provider.</returns>
    public static IStreamProvider GetStreamProvider(this IClusterClient client, string name)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(name);
        return client switch
        {
            ClusterClient external => new ClientStreamProvider(name, external),
            SiloGrainFactory silo => silo.Services.GetKeyedService<IStreamProvider>(name)
                ?? throw new KeyNotFoundException($"No stream provider named '{name}' is registered; call AddMemoryStreams, AddSqliteStreams or AddPostgresStreams(\"{name}\", ...)."),
            _ => throw new NotSupportedException($"{client.GetType().Name} does not support streams."),
        };
    }
}
