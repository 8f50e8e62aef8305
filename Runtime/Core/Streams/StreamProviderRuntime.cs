using System.Collections.Concurrent;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MicroSeg.Runtime.Activation;
using MicroSeg.Runtime.Cluster;
using MicroSeg.Runtime.Hosting;
using MicroSeg.Runtime.Serialization;
using Microsoft.Extensions.DependencyInjection;

namespace MicroSeg.Runtime.Streams;

/// <summary>
/// One named stream provider in a silo: its log, its options, the implicit subscriptions declared by grain
/// classes, and the wake-up signal of its pulling agent. Hands out <see cref="IStreamProvider"/> views, bound to a
/// grain (which may then subscribe) or not (silo code, which may only publish).
/// </summary>
internal sealed class StreamProviderRuntime(string name, IStreamLog log, StreamOptions options, IServiceProvider services) : IDisposable
{
    /// <summary>Partition <c>p</c> of provider <c>n</c> is placed like grain <c>$stream-partition/n/p</c>.</summary>
    public const string PartitionGrainType = "$stream-partition";

    // Null on a single silo, which owns every partition.
    private readonly Lazy<ClusterView?> _view = new(() => services.GetService<IMembershipTable>() is null ? null : services.GetRequiredService<ClusterView>());
    private readonly Lazy<Dictionary<string, GrainClassInfo[]>> _implicit = new(() => FindImplicitSubscribers(services.GetRequiredService<GrainTypeRegistry>()));
    private readonly Lazy<JsonSerializerOptions> _serializer = new(() => services.GetRequiredService<GrainSerializer>().Options);
    private readonly SemaphoreSlim _wake = new(0, 1);
    private int _recheck;

    public string Name { get; } = name;

    public IStreamLog Log { get; } = log;

    /// <summary>The pulling agent's memory: per stream, the head up to which every subscription has its events.</summary>
    public ConcurrentDictionary<StreamId, long> Delivered { get; } = new();

    public StreamOptions Options { get; } = options;

    public JsonSerializerOptions Serializer => _serializer.Value;

    public bool IsRewindable => Log is not MemoryStreamLog;

    public IStreamProvider Unbound => new StreamProvider(this, null);

    /// <summary>Asks the agent to reread every head next round (a subscription here may start before the head).</summary>
    public void RequestRecheck()
    {
        Volatile.Write(ref _recheck, 1);
        Wake();
    }

    public bool TakeRecheckRequest() => Interlocked.Exchange(ref _recheck, 0) != 0;

    public IStreamProvider ForGrain(GrainActivation activation) => new StreamProvider(this, activation);

    /// <summary>The partition of a stream: a stable hash of its id, so every silo agrees.</summary>
    public int PartitionOf(StreamId stream)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes($"{stream.Namespace}/{stream.Key}"))
            hash = (hash ^ b) * 16777619u;
        return (int)(hash % (uint)Options.PartitionCount);
    }

    /// <summary>
    /// The partitions whose pulling agent (and trimming) runs in this silo: all of them on a single silo; in a
    /// cluster, those this silo owns on the hash ring, none before it is an active member.
    /// </summary>
    public int[] OwnedPartitions()
    {
        var view = _view.Value;
        if (view is not null && (view.Self is not { } self || !view.IsActiveMember(self)))
            return [];
        return [.. Enumerable.Range(0, Options.PartitionCount).Where(p => view?.RemoteOwner(PartitionGrainType, $"{Name}/{p}") is null)];
    }

    /// <summary>Every implicit subscription of this silo's grain classes, by namespace.</summary>
    public IReadOnlyList<ImplicitSubscription> ImplicitSubscriptions() =>
        [.. _implicit.Value.SelectMany(n => n.Value.Select(c => new ImplicitSubscription(n.Key, ImplicitId(c.GrainType, n.Key))))];

    /// <summary>Grain classes implicitly subscribed to the namespace.</summary>
    public IReadOnlyList<GrainClassInfo> ImplicitSubscribers(string streamNamespace) =>
        _implicit.Value.TryGetValue(streamNamespace, out var classes) ? classes : [];

    public bool IsImplicitSubscriber(GrainClassInfo grainClass, string streamNamespace) => ImplicitSubscribers(streamNamespace).Contains(grainClass);

    /// <summary>The id of a grain class's implicit subscription to a namespace: the same on every silo and after restarts.</summary>
    public static Guid ImplicitId(string grainType, string streamNamespace) =>
        new(MD5.HashData(Encoding.UTF8.GetBytes($"implicit/{grainType}/{streamNamespace}")));

    public async Task<long> AppendAsync(StreamId stream, IReadOnlyList<string> payloads)
    {
        var last = await Log.AppendAsync(stream, PartitionOf(stream), payloads, CancellationToken.None).ConfigureAwait(false);
        Wake();
        return last;
    }

    /// <summary>Makes the agent poll now (a publish or subscription happened here).</summary>
    public void Wake()
    {
        try
        {
            if (_wake.CurrentCount == 0)
                _wake.Release();
        }
        catch (SemaphoreFullException)
        {
        }
    }

    public Task<bool> WaitForWakeAsync(TimeSpan timeout, CancellationToken cancellationToken) => _wake.WaitAsync(timeout, cancellationToken);

    public void Dispose() => (Log as IDisposable)?.Dispose();

    private static Dictionary<string, GrainClassInfo[]> FindImplicitSubscribers(GrainTypeRegistry types) =>
        types.Classes
            .SelectMany(c => c.ClassType.GetCustomAttributes<ImplicitStreamSubscriptionAttribute>(inherit: true).Select(a => (a.Namespace, Class: c)))
            .GroupBy(p => p.Namespace, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(p => p.Class).Distinct().ToArray(), StringComparer.Ordinal);

    private sealed class StreamProvider(StreamProviderRuntime runtime, GrainActivation? consumer) : IStreamProvider
    {
        public string Name => runtime.Name;

        public bool IsRewindable => runtime.IsRewindable;

        public IAsyncStream<T> GetStream<T>(StreamId streamId) => new AsyncStream<T>(runtime, streamId, consumer);
    }
}
