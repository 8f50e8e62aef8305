using System.Text.Json;
using MicroSeg.Runtime.Client;
using Microsoft.Extensions.DependencyInjection;

namespace MicroSeg.Runtime.Streams;

/// <summary>The gateway entry for clients that publish: appends JSON payloads to a provider's log. Key: the provider name.</summary>
internal interface IStreamPublisherGrain : IGrainWithStringKey
{
    /// <summary>Appends the events; returns the last sequence number.</summary>
    /// <param name="streamNamespace">The stream namespace.</param>
    /// <param name="streamKey">The stream key.</param>
    /// <param name="payloads">The events as JSON.</param>
    /// <returns>The sequence number of the last event.</returns>
    Task<long> PublishAsync(string streamNamespace, string streamKey, string[] payloads);
}

/// <summary>Runs on the gateway silo the client is connected to.</summary>
[StatelessWorker]
internal sealed class StreamPublisherGrain(IServiceProvider services) : Grain, IStreamPublisherGrain
{
    public Task<long> PublishAsync(string streamNamespace, string streamKey, string[] payloads)
    {
        var name = GetPrimaryKeyString();
        var runtime = services.GetKeyedService<StreamProviderRuntime>(name)
            ?? throw new KeyNotFoundException($"The silo has no stream provider named '{name}'.");
        return runtime.AppendAsync(StreamId.Create(streamNamespace, streamKey), payloads);
    }
}

/// <summary>A cluster client's view of a provider: publishing goes through the gateway; subscribing is for grains.</summary>
internal sealed class ClientStreamProvider(string name, ClusterClient client) : IStreamProvider
{
    public string Name => name;

    public bool IsRewindable => true;

    public IAsyncStream<T> GetStream<T>(StreamId streamId) => new ClientStream<T>(name, client, streamId);

    private sealed class ClientStream<T>(string name, ClusterClient client, StreamId streamId) : IAsyncStream<T>
    {
        public StreamId StreamId => streamId;

        public string ProviderName => name;

        public Task OnNextAsync(T item, StreamSequenceToken? token = null) => OnNextBatchAsync([item], token);

        public Task OnNextBatchAsync(IEnumerable<T> batch, StreamSequenceToken? token = null)
        {
            if (token is not null)
                throw new NotSupportedException("The stream log assigns sequence numbers; publish with token null.");
            var payloads = batch.Select(item => JsonSerializer.Serialize(item, client.Serializer.Options)).ToArray();
            return payloads.Length == 0 ? Task.CompletedTask : client.GetGrain<IStreamPublisherGrain>(name).PublishAsync(streamId.Namespace, streamId.Key, payloads);
        }

        public Task<StreamSubscriptionHandle<T>> SubscribeAsync(IAsyncObserver<T> observer, StreamSequenceToken? token = null) =>
            throw new NotSupportedException($"Stream {name}:{streamId}: clients publish only; subscribe from a grain.");

        public Task<IList<StreamSubscriptionHandle<T>>> GetAllSubscriptionHandles() => Task.FromResult<IList<StreamSubscriptionHandle<T>>>([]);

        public bool Equals(IAsyncStream<T>? other) => other is not null && other.StreamId == streamId && other.ProviderName == name;

        public override bool Equals(object? obj) => Equals(obj as IAsyncStream<T>);

        public override int GetHashCode() => HashCode.Combine(streamId, name);
    }
}
