using MicroSeg.Runtime.Hosting;
using MicroSeg.Runtime.Tests.Infrastructure;
using MicroSeg.Runtime.Tests.TestGrains;
using Microsoft.Extensions.DependencyInjection;

namespace MicroSeg.Runtime.Tests.Streams;

public sealed class MemoryStreamTests
{
    private static Task<TestSilo> StartSiloAsync() =>
        TestSilo.StartAsync(s => s.AddMemoryStreams(StreamTestNames.Provider, o => o.PollInterval = TimeSpan.FromMilliseconds(20)));

    private static IAsyncStream<int> Stream(TestSilo silo, string streamNamespace, string key) =>
        silo.Services.GetRequiredService<IClusterClient>().GetStreamProvider(StreamTestNames.Provider).GetStream<int>(StreamId.Create(streamNamespace, key));

    [Fact]
    public async Task OnNextAsync_ImplicitSubscription_OneGrainPerStreamKeyReceivesEveryEventInOrder()
    {
        await using var silo = await StartSiloAsync();
        var keys = Enumerable.Range(0, 3).Select(_ => Wait.NewKey()).ToList();

        foreach (var key in keys)
        {
            await Stream(silo, StreamTestNames.Implicit, key).OnNextAsync(1);
            await Stream(silo, StreamTestNames.Implicit, key).OnNextBatchAsync(Enumerable.Range(2, 49));
        }

        foreach (var key in keys)
        {
            await Wait.UntilAsync(() => StreamRecorder.Get($"implicit:{key}").Count == 50, $"consumer {key} receives 50 events");
            var received = StreamRecorder.Get($"implicit:{key}");
            Assert.Equal(Enumerable.Range(1, 50), received.Select(r => r.Value));
            Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), received.Select(r => r.Sequence));
            Assert.Equal(1, Probe.Get($"implicit-activate:{key}"));
        }
    }

    [Fact]
    public async Task SubscribeAsync_Explicit_DeliversNewEventsUntilUnsubscribed()
    {
        await using var silo = await StartSiloAsync();
        var stream = Wait.NewKey();
        var firstGrain = Wait.NewKey();
        var first = silo.Grains.GetGrain<IExplicitConsumerGrain>(firstGrain);
        var second = Wait.NewKey();
        await Stream(silo, StreamTestNames.Explicit, stream).OnNextAsync(-1);

        await first.SubscribeAsync(StreamTestNames.Explicit, stream);
        await first.PublishAsync(StreamTestNames.Explicit, stream, [1, 2, 3]);
        var firstKey = $"explicit:{firstGrain}";
        await Wait.UntilAsync(() => StreamRecorder.Get(firstKey).Count == 3, "the explicit subscriber receives the events after it subscribed");

        await first.UnsubscribeAsync(StreamTestNames.Explicit, stream);
        await silo.Grains.GetGrain<IExplicitConsumerGrain>(second).SubscribeAsync(StreamTestNames.Explicit, stream);
        await Stream(silo, StreamTestNames.Explicit, stream).OnNextBatchAsync([4, 5]);
        await Wait.UntilAsync(() => StreamRecorder.Get($"explicit:{second}").Count == 2, "the second subscriber receives the later events");

        Assert.Equal([1, 2, 3], StreamRecorder.Get(firstKey).Select(r => r.Value));
        Assert.Equal([4, 5], StreamRecorder.Get($"explicit:{second}").Select(r => r.Value));
    }

    [Fact]
    public async Task OnNextBatchAsync_FromClient_PublishesThroughGateway()
    {
        await using var silo = await StartSiloAsync();
        await using var client = await TestClient.StartAsync(silo.Gateway);
        var key = Wait.NewKey();

        await client.Client.GetStreamProvider(StreamTestNames.Provider).GetStream<int>(StreamId.Create(StreamTestNames.Implicit, key)).OnNextBatchAsync(Enumerable.Range(1, 10));

        await Wait.UntilAsync(() => StreamRecorder.Get($"implicit:{key}").Count == 10, "the implicit consumer receives the client's events");
        Assert.Equal(Enumerable.Range(1, 10), StreamRecorder.Get($"implicit:{key}").Select(r => r.Value));
        await Assert.ThrowsAsync<NotSupportedException>(() =>
            client.Client.GetStreamProvider(StreamTestNames.Provider).GetStream<int>(StreamId.Create(StreamTestNames.Implicit, key)).SubscribeAsync(new NullObserver()));
    }

    [Fact]
    public async Task AddMemoryStreams_InvalidOptions_StartFailsNamingTheSetting()
    {
        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            TestSilo.StartAsync(s => s.AddMemoryStreams("bad", o => o.PartitionCount = 0)));
        Assert.Contains("StreamOptions.PartitionCount of stream provider 'bad'", error.Message);
    }

    [Fact]
    public async Task GetStreamProvider_UnknownName_Throws()
    {
        await using var silo = await StartSiloAsync();
        Assert.Throws<KeyNotFoundException>(() => silo.Services.GetRequiredService<IClusterClient>().GetStreamProvider("missing"));
    }

    private sealed class NullObserver : IAsyncObserver<int>
    {
        public Task OnNextAsync(int item, StreamSequenceToken? token = null) => Task.CompletedTask;

        public Task OnCompletedAsync() => Task.CompletedTask;

        public Task OnErrorAsync(Exception ex) => Task.CompletedTask;
    }
}
