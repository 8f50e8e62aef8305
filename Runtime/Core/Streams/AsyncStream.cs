using System.Text.Json;
using MicroSeg.Runtime.Activation;

namespace MicroSeg.Runtime.Streams;

/// <summary>A stream of a silo-side provider: publishes to the log; subscribes the grain it was obtained in.</summary>
internal sealed class AsyncStream<T>(StreamProviderRuntime runtime, StreamId streamId, GrainActivation? consumer) : IAsyncStream<T>
{
    public StreamId StreamId => streamId;

    public string ProviderName => runtime.Name;

    public Task OnNextAsync(T item, StreamSequenceToken? token = null) => OnNextBatchAsync([item], token);

    public Task OnNextBatchAsync(IEnumerable<T> batch, StreamSequenceToken? token = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (token is not null)
            throw new NotSupportedException("The stream log assigns sequence numbers; publish with token null.");
        var payloads = batch.Select(item => JsonSerializer.Serialize(item, runtime.Serializer)).ToList();
        return payloads.Count == 0 ? Task.CompletedTask : runtime.AppendAsync(streamId, payloads);
    }

    public async Task<StreamSubscriptionHandle<T>> SubscribeAsync(IAsyncObserver<T> observer, StreamSequenceToken? token = null)
    {
        ArgumentNullException.ThrowIfNull(observer);
        var grain = Consumer();
        Guid id;
        var isImplicit = IsImplicitFor(grain);
        if (isImplicit)
        {
            id = StreamProviderRuntime.ImplicitId(grain.Class.GrainType, streamId.Namespace);
        }
        else
        {
            id = Guid.NewGuid();
            var checkpoint = token is null ? await runtime.Log.ReadHeadAsync(streamId, CancellationToken.None).ConfigureAwait(false) : Math.Max(0, token.SequenceNumber - 1);
            await runtime.Log.AddSubscriptionAsync(streamId, new StreamSubscriptionRecord(id, grain.Class.GrainType, grain.Key, checkpoint, false), CancellationToken.None).ConfigureAwait(false);
        }

        var handle = new SubscriptionHandle<T>(runtime, streamId, id, grain, isImplicit);
        handle.Attach(observer);
        if (token is not null)
        {
            // Rewinds: this silo's agent must look at the stream again even if it delivered up to its head.
            runtime.Delivered.TryRemove(streamId, out _);
            runtime.RequestRecheck();
        }
        else
        {
            runtime.Wake();
        }
        return handle;
    }

    public async Task<IList<StreamSubscriptionHandle<T>>> GetAllSubscriptionHandles()
    {
        var grain = Consumer();
        var handles = new List<StreamSubscriptionHandle<T>>();
        if (IsImplicitFor(grain))
            handles.Add(new SubscriptionHandle<T>(runtime, streamId, StreamProviderRuntime.ImplicitId(grain.Class.GrainType, streamId.Namespace), grain, true));
        foreach (var subscription in await runtime.Log.ReadSubscriptionsAsync(streamId, CancellationToken.None).ConfigureAwait(false))
        {
            if (!subscription.IsImplicit && subscription.GrainType == grain.Class.GrainType && subscription.GrainKey == grain.Key)
                handles.Add(new SubscriptionHandle<T>(runtime, streamId, subscription.Id, grain, false));
        }

        return handles;
    }

    public bool Equals(IAsyncStream<T>? other) => other is not null && other.StreamId == streamId && other.ProviderName == runtime.Name;

    public override bool Equals(object? obj) => Equals(obj as IAsyncStream<T>);

    public override int GetHashCode() => HashCode.Combine(streamId, runtime.Name);

    public override string ToString() => $"{runtime.Name}:{streamId}";

    private bool IsImplicitFor(GrainActivation grain) => grain.Key == streamId.Key && runtime.IsImplicitSubscriber(grain.Class, streamId.Namespace);

    private GrainActivation Consumer() => consumer ?? throw new NotSupportedException(
        $"Stream {this}: only grains subscribe (get the provider with this.GetStreamProvider(name) in the grain); silo code and clients publish.");
}

/// <summary>A grain's subscription; attaching an observer makes the activation accept deliveries for it.</summary>
internal sealed class SubscriptionHandle<T>(StreamProviderRuntime runtime, StreamId streamId, Guid id, GrainActivation grain, bool isImplicit)
    : StreamSubscriptionHandle<T>
{
    public override Guid HandleId => id;

    public override StreamId StreamId => streamId;

    public override string ProviderName => runtime.Name;

    public override async Task UnsubscribeAsync()
    {
        grain.StreamConsumers.Detach(runtime.Name, id);
        if (!isImplicit)
            await runtime.Log.RemoveSubscriptionAsync(streamId, id, CancellationToken.None).ConfigureAwait(false);
    }

    public override Task<StreamSubscriptionHandle<T>> ResumeAsync(IAsyncObserver<T> observer, StreamSequenceToken? token = null)
    {
        ArgumentNullException.ThrowIfNull(observer);
        if (token is not null)
            throw new NotSupportedException("Delivery resumes from the subscription's checkpoint; resume with token null.");
        Attach(observer);
        runtime.Wake();
        return Task.FromResult<StreamSubscriptionHandle<T>>(this);
    }

    public void Attach(IAsyncObserver<T> observer)
    {
        var last = 0L;
        grain.StreamConsumers.Attach(runtime.Name, id, async delivery =>
        {
            foreach (var data in delivery.Events)
            {
                // Redelivery after a failure or an agent move starts at the checkpoint: skip what this activation already handled.
                if (data.Sequence <= last)
                    continue;
                var item = JsonSerializer.Deserialize<T>(data.Payload, runtime.Serializer)!;
                await observer.OnNextAsync(item, new StreamSequenceToken(data.Sequence));
                last = data.Sequence;
            }
        });
    }

    public override bool Equals(object? obj) => obj is SubscriptionHandle<T> other && other.HandleId == id && other.ProviderName == runtime.Name;

    public override int GetHashCode() => id.GetHashCode();
}
