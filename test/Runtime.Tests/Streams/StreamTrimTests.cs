using MicroSeg.Runtime.Hosting;
using MicroSeg.Runtime.Streams;
using MicroSeg.Runtime.Tests.Infrastructure;
using MicroSeg.Runtime.Tests.TestGrains;
using Microsoft.Extensions.DependencyInjection;

namespace MicroSeg.Runtime.Tests.Streams;

/// <summary>
/// Trimming of the durable stream log, the same scenarios for each provider (subclasses below): acknowledged
/// events go, unacknowledged ones stay and are redelivered, the retention cap drops the oldest, and sequence
/// numbers and new subscriptions behave as without trimming.
/// </summary>
public abstract class StreamTrimTests
{
    /// <summary>A silo with the provider under test as <see cref="StreamTestNames.Provider"/>, polling every 20 ms and trimming every 50 ms, then <paramref name="configure"/>.</summary>
    protected abstract Task<TestSilo> StartSiloAsync(Action<StreamOptions>? configure = null);

    [Fact]
    public async Task TrimInterval_EveryConsumerAcknowledged_EventsDeletedAndNumberingContinues()
    {
        await using var silo = await StartSiloAsync();
        var key = Wait.NewKey();
        var stream = StreamId.Create(StreamTestNames.Implicit, key);
        var log = Runtime(silo).Log;
        await Publish(silo, stream, 1, 20);
        await Wait.UntilAsync(() => StreamRecorder.DistinctCount($"implicit:{key}") == 20, "the implicit consumer receives 20 events");

        await Wait.UntilAsync(async () => (await log.ReadEventsAsync(stream, 0, 100, default)).Count == 0, "the trimmer deletes the acknowledged events");
        Assert.Equal(20, await log.ReadHeadAsync(stream, default));

        var grain = Wait.NewKey();
        await silo.Grains.GetGrain<IExplicitConsumerGrain>(grain).SubscribeAsync(StreamTestNames.Implicit, key);
        await Publish(silo, stream, 21, 5);
        await Wait.UntilAsync(() => StreamRecorder.DistinctCount($"implicit:{key}") == 25 && StreamRecorder.Get($"explicit:{grain}").Count == 5,
            "both consumers receive the events published after the trim");
        Assert.Equal(Enumerable.Range(1, 25).Select(i => (long)i), StreamRecorder.Get($"implicit:{key}").Select(r => r.Sequence).Distinct());
        Assert.Equal(Enumerable.Range(21, 5).Select(i => (long)i), StreamRecorder.Get($"explicit:{grain}").Select(r => r.Sequence));
        await Wait.UntilAsync(async () => (await log.ReadEventsAsync(stream, 0, 100, default)).Count == 0, "the trimmer deletes the later events too");
    }

    [Fact]
    public async Task TrimAsync_OneConsumerFailing_KeepsItsUnacknowledgedEventsAndRedeliversThem()
    {
        await using var silo = await StartSiloAsync(o => o.TrimInterval = TimeSpan.FromHours(1));
        var key = Wait.NewKey();
        var stream = StreamId.Create(StreamTestNames.Implicit, key);
        var log = Runtime(silo).Log;
        var grain = Wait.NewKey();
        await silo.Grains.GetGrain<IExplicitConsumerGrain>(grain).SubscribeAsync(StreamTestNames.Implicit, key);
        Probe.Set($"explicit-fail:{grain}", 1);
        await Publish(silo, stream, 1, 10);
        await Wait.UntilAsync(async () => (await log.ReadSubscriptionsAsync(stream, default)).Any(s => s.IsImplicit && s.Checkpoint == 10),
            "the implicit consumer acknowledges all 10 events");

        var kept = await Trimmer(silo).TrimAsync(default);

        Assert.Equal(new StreamTrimResult(0, 0), kept);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), (await log.ReadEventsAsync(stream, 0, 100, default)).Select(e => e.Sequence));

        Probe.Set($"explicit-fail:{grain}", 0);
        await Wait.UntilAsync(() => StreamRecorder.Get($"explicit:{grain}").Count == 10, "the recovered consumer receives the kept events");
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), StreamRecorder.Get($"explicit:{grain}").Select(r => r.Sequence));
        await Wait.UntilAsync(async () => (await log.ReadSubscriptionsAsync(stream, default)).All(s => s.Checkpoint == 10), "both consumers acknowledged");
        Assert.Equal(new StreamTrimResult(10, 0), await Trimmer(silo).TrimAsync(default));
        Assert.Empty(await log.ReadEventsAsync(stream, 0, 100, default));
    }

    [Fact]
    public async Task TrimAsync_RetentionCap_DropsOldestEventsAndFailingConsumerResumesAfterThem()
    {
        await using var silo = await StartSiloAsync(o =>
        {
            o.TrimInterval = TimeSpan.FromHours(1);
            o.MaxRetainedEvents = 3;
        });
        var stream = StreamId.Create(StreamTestNames.Explicit, Wait.NewKey());
        var grain = Wait.NewKey();
        await silo.Grains.GetGrain<IExplicitConsumerGrain>(grain).SubscribeAsync(stream.Namespace, stream.Key);
        Probe.Set($"explicit-fail:{grain}", 1);
        await Publish(silo, stream, 1, 10);

        var capped = await Trimmer(silo).TrimAsync(default);

        Assert.Equal(new StreamTrimResult(7, 7), capped);
        Probe.Set($"explicit-fail:{grain}", 0);
        await Wait.UntilAsync(() => StreamRecorder.Get($"explicit:{grain}").Count == 3, "the consumer receives the 3 retained events");
        Assert.Equal(new long[] { 8, 9, 10 }, StreamRecorder.Get($"explicit:{grain}").Select(r => r.Sequence));
    }

    [Fact]
    public async Task TrimAsync_ConsumersWithoutCheckpointOrNone_KeepEventsUntilTheCap()
    {
        await using var silo = await StartSiloAsync(o => o.TrimInterval = TimeSpan.FromHours(1));
        var runtime = Runtime(silo);
        var log = runtime.Log;
        var ns = $"trim-{Wait.NewKey()}";
        var waiting = StreamId.Create(ns, "waiting");
        var orphan = StreamId.Create($"{ns}-none", "orphan");
        var acked = StreamId.Create(ns, "acked");
        var implicitId = Guid.NewGuid();
        await log.AppendAsync(waiting, runtime.PartitionOf(waiting), ["1", "2", "3"], default);
        await log.AppendAsync(orphan, runtime.PartitionOf(orphan), ["1", "2", "3"], default);
        await log.AppendAsync(acked, runtime.PartitionOf(acked), ["1", "2", "3", "4", "5"], default);
        // Grain type "nosuch" is unknown to the silo, so its agent leaves these rows alone.
        await log.SaveCheckpointAsync(acked, new StreamSubscriptionRecord(implicitId, "nosuch", "acked", 3, IsImplicit: true), default);
        await log.AddSubscriptionAsync(acked, new StreamSubscriptionRecord(Guid.NewGuid(), "nosuch", "x", 4, IsImplicit: false), default);
        await log.SaveCheckpointAsync(acked, new StreamSubscriptionRecord(Guid.NewGuid(), "gone", "acked", 0, IsImplicit: true), default);
        int[] partitions = [.. Enumerable.Range(0, runtime.Options.PartitionCount)];
        ImplicitSubscription[] implicitSubscriptions = [new(ns, implicitId)];

        var first = await log.TrimAsync(partitions, implicitSubscriptions, maxRetained: null, default);

        Assert.Equal(new StreamTrimResult(3, 0), first);
        Assert.Equal(new long[] { 1, 2, 3 }, await SequencesAsync(log, waiting));
        Assert.Equal(new long[] { 1, 2, 3 }, await SequencesAsync(log, orphan));
        Assert.Equal(new long[] { 4, 5 }, await SequencesAsync(log, acked));

        var capped = await log.TrimAsync(partitions, implicitSubscriptions, maxRetained: 1, default);

        Assert.Equal(new StreamTrimResult(5, 3), capped);
        Assert.Equal(new long[] { 3 }, await SequencesAsync(log, waiting));
        Assert.Equal(new long[] { 3 }, await SequencesAsync(log, orphan));
        Assert.Equal(new long[] { 5 }, await SequencesAsync(log, acked));
        Assert.Equal(6, await log.AppendAsync(acked, runtime.PartitionOf(acked), ["6"], default));
        Assert.Equal(new long[] { 5, 6 }, await SequencesAsync(log, acked));
    }

    private static StreamProviderRuntime Runtime(TestSilo silo) => silo.Services.GetRequiredKeyedService<StreamProviderRuntime>(StreamTestNames.Provider);

    private static StreamLogTrimmer Trimmer(TestSilo silo) => silo.Services.GetRequiredKeyedService<StreamLogTrimmer>(StreamTestNames.Provider);

    private static Task Publish(TestSilo silo, StreamId stream, int first, int count) =>
        silo.Services.GetRequiredService<IClusterClient>().GetStreamProvider(StreamTestNames.Provider).GetStream<int>(stream).OnNextBatchAsync(Enumerable.Range(first, count));

    private static async Task<long[]> SequencesAsync(IStreamLog log, StreamId stream) =>
        [.. (await log.ReadEventsAsync(stream, 0, 100, default)).Select(e => e.Sequence)];

    protected static void Deliver(StreamOptions options, Action<StreamOptions>? configure)
    {
        options.PollInterval = TimeSpan.FromMilliseconds(20);
        options.TrimInterval = TimeSpan.FromMilliseconds(50);
        configure?.Invoke(options);
    }
}

public sealed class MemoryStreamTrimTests : StreamTrimTests
{
    protected override Task<TestSilo> StartSiloAsync(Action<StreamOptions>? configure = null) =>
        TestSilo.StartAsync(s => s.AddMemoryStreams(StreamTestNames.Provider, o => Deliver(o, configure)));
}

public sealed class SqliteStreamTrimTests : StreamTrimTests, IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"microseg-trim-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }

    protected override Task<TestSilo> StartSiloAsync(Action<StreamOptions>? configure = null) =>
        TestSilo.StartAsync(s => s.AddSqliteStreams(StreamTestNames.Provider, o => o.DatabasePath = Path.Combine(_directory, "microseg.db"), o => Deliver(o, configure)));
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresStreamTrimTests(PostgresFixture postgres) : StreamTrimTests
{
    // Its own log scope, so no other test's streams are trimmed here.
    private readonly string _clusterId = $"trim-{Guid.NewGuid():N}";

    protected override Task<TestSilo> StartSiloAsync(Action<StreamOptions>? configure = null) =>
        TestSilo.StartAsync(s => s.AddPostgresStreams(StreamTestNames.Provider, o =>
        {
            o.ConnectionString = postgres.ConnectionString;
            o.ClusterId = _clusterId;
        }, o => Deliver(o, configure)));
}
