using System.Collections.Concurrent;
using MicroSeg.Grains.Interfaces.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Streams;

namespace MicroSeg.Grains.Nodes;

/// <summary>
/// The silo's handles of the change streams, one per stream key, shared by every grain that publishes.
/// </summary>
/// <remarks>
/// A stream obtained inside a grain is kept in a stream directory that Orleans adds to that activation. Every
/// workload grain publishes, so at 50,000 workloads that was 50,000 directories, streams and producers
/// (≈ 1.1 kB and 15 objects each) that the GC kept marking. A handle obtained outside any activation lives in the
/// silo's one shared directory instead. So each handle is made once, on the thread pool, and then used from any grain.
/// </remarks>
internal sealed class PolicyChangeStreams(IServiceProvider services)
{
    private readonly ConcurrentDictionary<string, Task<IAsyncStream<PolicyChange>>> _streams = new(StringComparer.Ordinal);

    /// <summary>Appends <paramref name="change"/> to the stream of <paramref name="key"/> (<see cref="PolicyStreams.PublishAsync"/>).</summary>
    public async Task PublishAsync(string key, PolicyChange change)
    {
        var stream = await StreamOf(key);
        await stream.OnNextAsync(change);
    }

    // Task.Run leaves the calling activation's context: the handle goes to the shared directory. Getting a handle does
    // no I/O; it fails only when the provider is not registered, which no retry mends.
    private Task<IAsyncStream<PolicyChange>> StreamOf(string key) =>
        _streams.GetOrAdd(key, k => Task.Run(() => services.GetRequiredKeyedService<IStreamProvider>(PolicyStreams.Provider)
            .GetStream<PolicyChange>(StreamId.Create(PolicyStreams.Changes, k))));
}
