using System.Collections.Concurrent;

namespace MicroSeg.Runtime.Tests.TestGrains;

/// <summary>Names shared by the stream tests and grains.</summary>
public static class StreamTestNames
{
    public const string Provider = "streams";
    public const string Implicit = "test-implicit";
    public const string Explicit = "test-explicit";
}

/// <summary>What each consumer received: (activation, sequence number, value), in arrival order.</summary>
public static class StreamRecorder
{
    private static readonly ConcurrentDictionary<string, ConcurrentQueue<(Guid Activation, long Sequence, int Value)>> s_received = new();

    public static void Add(string consumer, Guid activation, long sequence, int value) =>
        s_received.GetOrAdd(consumer, _ => new()).Enqueue((activation, sequence, value));

    public static IReadOnlyList<(Guid Activation, long Sequence, int Value)> Get(string consumer) =>
        s_received.TryGetValue(consumer, out var queue) ? [.. queue] : [];

    /// <summary>The distinct values received (duplicates from at-least-once redelivery removed).</summary>
    public static int DistinctCount(string consumer) => Get(consumer).Select(r => r.Value).Distinct().Count();
}

/// <summary>An implicitly subscribed consumer; its key is the stream key.</summary>
public interface IImplicitConsumerGrain : IGrainWithStringKey
{
    /// <summary>Publishes from inside the grain.</summary>
    Task PublishAsync(string streamNamespace, string streamKey, int[] values);
}

/// <summary>A consumer grain that subscribes explicitly.</summary>
public interface IExplicitConsumerGrain : IGrainWithStringKey
{
    /// <summary>Subscribes explicitly to the stream (namespace, key) of the test provider.</summary>
    Task SubscribeAsync(string streamNamespace, string streamKey, long? fromSequence = null);

    /// <summary>Deletes every subscription of this grain to the stream.</summary>
    Task UnsubscribeAsync(string streamNamespace, string streamKey);

    /// <summary>Publishes from inside the grain.</summary>
    Task PublishAsync(string streamNamespace, string streamKey, int[] values);
}

/// <summary>Implicitly subscribed to <see cref="StreamTestNames.Implicit"/>; records under "implicit:{key}".</summary>
[ImplicitStreamSubscription(StreamTestNames.Implicit)]
public sealed class ImplicitConsumerGrain : Grain, IImplicitConsumerGrain, IAsyncObserver<int>
{
    private readonly Guid _activation = Guid.NewGuid();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        Probe.Increment($"implicit-activate:{GetPrimaryKeyString()}");
        await this.GetStreamProvider(StreamTestNames.Provider).GetStream<int>(StreamId.Create(StreamTestNames.Implicit, GetPrimaryKeyString())).SubscribeAsync(this);
    }

    public Task OnNextAsync(int item, StreamSequenceToken? token = null)
    {
        StreamRecorder.Add($"implicit:{GetPrimaryKeyString()}", _activation, token!.SequenceNumber, item);
        return Task.CompletedTask;
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;

    public Task PublishAsync(string streamNamespace, string streamKey, int[] values) =>
        this.GetStreamProvider(StreamTestNames.Provider).GetStream<int>(StreamId.Create(streamNamespace, streamKey)).OnNextBatchAsync(values);
}

/// <summary>Subscribes explicitly when asked; records under "explicit:{grain key}"; throws while the probe "explicit-fail:{grain key}" is set.</summary>
public sealed class ExplicitConsumerGrain : Grain, IExplicitConsumerGrain, IAsyncObserver<int>
{
    private readonly Guid _activation = Guid.NewGuid();

    public async Task SubscribeAsync(string streamNamespace, string streamKey, long? fromSequence = null) =>
        await Stream(streamNamespace, streamKey).SubscribeAsync(this, fromSequence is { } from ? new StreamSequenceToken(from) : null);

    public async Task UnsubscribeAsync(string streamNamespace, string streamKey)
    {
        foreach (var handle in await Stream(streamNamespace, streamKey).GetAllSubscriptionHandles())
            await handle.UnsubscribeAsync();
    }

    public Task PublishAsync(string streamNamespace, string streamKey, int[] values) => Stream(streamNamespace, streamKey).OnNextBatchAsync(values);

    public Task OnNextAsync(int item, StreamSequenceToken? token = null)
    {
        // A test makes this consumer fail (not acknowledge) by setting the probe "explicit-fail:{key}".
        if (Probe.Get($"explicit-fail:{GetPrimaryKeyString()}") > 0)
            throw new InvalidOperationException($"Consumer {GetPrimaryKeyString()} was told to fail.");
        StreamRecorder.Add($"explicit:{GetPrimaryKeyString()}", _activation, token!.SequenceNumber, item);
        return Task.CompletedTask;
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;

    private IAsyncStream<int> Stream(string streamNamespace, string streamKey) =>
        this.GetStreamProvider(StreamTestNames.Provider).GetStream<int>(StreamId.Create(streamNamespace, streamKey));
}
