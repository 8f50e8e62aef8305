using MicroSeg.Runtime.Hosting;
using MicroSeg.Runtime.Streams;
using MicroSeg.Runtime.Tests.Infrastructure;
using MicroSeg.Runtime.Tests.TestGrains;
using Microsoft.Extensions.DependencyInjection;

namespace MicroSeg.Runtime.Tests.Streams;

[Collection(PostgresCollection.Name)]
public sealed class PostgresStreamTests(PostgresFixture postgres)
{
    private const int Events = 200;

    private Task<TestCluster> StartClusterAsync(int silos) => postgres.StartClusterAsync(silos, client: false,
        configure: s => s.AddPostgresStreams(StreamTestNames.Provider, o => o.ConnectionString = postgres.ConnectionString, o =>
        {
            o.PollInterval = TimeSpan.FromMilliseconds(50);
            o.MaxBatchSize = 25;
        }));

    [Fact]
    public async Task Streams_SiloKilledWhilePublishing_EveryEventDeliveredAtLeastOnceInOrder()
    {
        await using var cluster = await StartClusterAsync(silos: 3);
        var publisher = cluster.Silos[0];
        var victim = cluster.Silos[1];
        var keys = KeysTouching(cluster, victim, 8);
        var provider = publisher.Services.GetRequiredService<IClusterClient>().GetStreamProvider(StreamTestNames.Provider);

        async Task PublishAsync(int from, int count)
        {
            foreach (var key in keys)
            {
                var stream = provider.GetStream<int>(StreamId.Create(StreamTestNames.Implicit, key));
                for (var i = from; i < from + count; i += 10)
                    await stream.OnNextBatchAsync(Enumerable.Range(i, 10));
            }
        }

        await PublishAsync(1, Events / 2);
        await Wait.UntilAsync(() => keys.All(k => StreamRecorder.Get($"implicit:{k}").Count > 0), "delivery has started on every stream");
        await cluster.KillSiloAsync(victim);
        await PublishAsync(Events / 2 + 1, Events / 2);

        foreach (var key in keys)
        {
            var consumer = $"implicit:{key}";
            await Wait.UntilAsync(() => StreamRecorder.DistinctCount(consumer) == Events, $"consumer {key} receives all {Events} events", TimeSpan.FromSeconds(30));
            var received = StreamRecorder.Get(consumer);
            Assert.Equal(Enumerable.Range(1, Events), received.Select(r => r.Value).Distinct().Order());
            Assert.All(received, r => Assert.Equal(r.Value, r.Sequence));
            foreach (var activation in received.GroupBy(r => r.Activation))
                Assert.Equal(activation.Select(r => r.Sequence).Order(), activation.Select(r => r.Sequence));
        }

        // The consumers that lived on the killed silo were reactivated elsewhere and resumed from their checkpoints.
        Assert.All(keys.Take(2), k => Assert.Equal(2, StreamRecorder.Get($"implicit:{k}").Select(r => r.Activation).Distinct().Count()));
    }

    /// <summary>Stream keys of which some have their consumer grain, and some their partition's agent, on <paramref name="victim"/>.</summary>
    private static List<string> KeysTouching(TestCluster cluster, TestClusterSilo victim, int count)
    {
        var runtime = victim.Services.GetRequiredKeyedService<StreamProviderRuntime>(StreamTestNames.Provider);
        bool GrainOnVictim(string key) => cluster.OwnerOf("implicitconsumer", key) == victim;
        bool AgentOnVictim(string key) =>
            cluster.OwnerOf("$stream-partition", $"{StreamTestNames.Provider}/{runtime.PartitionOf(StreamId.Create(StreamTestNames.Implicit, key))}") == victim;
        var candidates = Enumerable.Range(0, 1000).Select(_ => Wait.NewKey()).ToList();
        return [.. candidates.Where(GrainOnVictim).Take(2), .. candidates.Where(k => AgentOnVictim(k) && !GrainOnVictim(k)).Take(2),
            .. candidates.Where(k => !AgentOnVictim(k) && !GrainOnVictim(k)).Take(count - 4)];
    }

    [Fact]
    public async Task Streams_PublishedFromGrainOnAnySilo_ConsumedOncePerKey()
    {
        await using var cluster = await StartClusterAsync(silos: 2);
        var keys = Enumerable.Range(0, 6).Select(_ => Wait.NewKey()).ToList();

        foreach (var (key, i) in keys.Select((k, i) => (k, i)))
            await cluster.Silos[i % 2].Grains.GetGrain<IImplicitConsumerGrain>(Wait.NewKey()).PublishAsync(StreamTestNames.Implicit, key, [1, 2, 3]);

        foreach (var key in keys)
        {
            await Wait.UntilAsync(() => StreamRecorder.Get($"implicit:{key}").Count >= 3, $"consumer {key} receives 3 events");
            Assert.Equal([1, 2, 3], StreamRecorder.Get($"implicit:{key}").Select(r => r.Value));
        }
    }
}
