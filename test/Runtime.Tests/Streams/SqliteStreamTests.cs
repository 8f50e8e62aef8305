using MicroSeg.Runtime.Hosting;
using MicroSeg.Runtime.Streams;
using MicroSeg.Runtime.Tests.Infrastructure;
using MicroSeg.Runtime.Tests.TestGrains;
using Microsoft.Extensions.DependencyInjection;

namespace MicroSeg.Runtime.Tests.Streams;

public sealed class SqliteStreamTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"microseg-streams-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }

    private Task<TestSilo> StartSiloAsync() => TestSilo.StartAsync(s => s.AddSqliteStreams(StreamTestNames.Provider,
        o => o.DatabasePath = Path.Combine(_directory, "microseg.db"), o => o.PollInterval = TimeSpan.FromMilliseconds(20)));

    private static IAsyncStream<int> Stream(TestSilo silo, string streamNamespace, string key) =>
        silo.Services.GetRequiredService<IClusterClient>().GetStreamProvider(StreamTestNames.Provider).GetStream<int>(StreamId.Create(streamNamespace, key));

    [Fact]
    public async Task Checkpoint_SingleSiloRestart_ResumesAfterLastAcknowledgedEvent()
    {
        var key = Wait.NewKey();
        var consumer = $"implicit:{key}";
        var stream = StreamId.Create(StreamTestNames.Implicit, key);
        var silo = await StartSiloAsync();
        await Stream(silo, StreamTestNames.Implicit, key).OnNextBatchAsync(Enumerable.Range(1, 20));
        var log = silo.Services.GetRequiredKeyedService<StreamProviderRuntime>(StreamTestNames.Provider).Log;
        await Wait.UntilAsync(async () => (await log.ReadSubscriptionsAsync(stream, default)).Any(s => s.IsImplicit && s.Checkpoint == 20),
            "the consumer's checkpoint reaches 20");
        await silo.StopAsync();

        await using var restarted = await StartSiloAsync();
        await Stream(restarted, StreamTestNames.Implicit, key).OnNextBatchAsync(Enumerable.Range(21, 10));

        await Wait.UntilAsync(() => StreamRecorder.DistinctCount(consumer) == 30, "the consumer receives events 21..30 after the restart");
        var received = StreamRecorder.Get(consumer);
        Assert.Equal(Enumerable.Range(1, 30), received.Select(r => r.Value));
        Assert.Equal(2, received.Select(r => r.Activation).Distinct().Count());
        Assert.Equal(21, received.First(r => r.Activation != received[0].Activation).Sequence);
    }

    [Fact]
    public async Task SubscribeAsync_WithTokenAfterRestart_ReplaysStoredEvents()
    {
        var stream = Wait.NewKey();
        var silo = await StartSiloAsync();
        await Stream(silo, StreamTestNames.Explicit, stream).OnNextBatchAsync(Enumerable.Range(1, 5));
        await silo.StopAsync();

        await using var restarted = await StartSiloAsync();
        var grain = Wait.NewKey();
        await restarted.Grains.GetGrain<IExplicitConsumerGrain>(grain).SubscribeAsync(StreamTestNames.Explicit, stream, fromSequence: 3);

        await Wait.UntilAsync(() => StreamRecorder.Get($"explicit:{grain}").Count == 3, "the subscriber receives events 3..5 from the log");
        Assert.Equal([3, 4, 5], StreamRecorder.Get($"explicit:{grain}").Select(r => r.Value));
    }
}
