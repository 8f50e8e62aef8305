using BenchmarkDotNet.Attributes;
using MicroSeg.Runtime;
using MicroSeg.Runtime.Hosting;
using MicroSeg.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MicroSeg.Benchmarks.Runtime;

/// <summary>
/// Stream events/s end to end in one silo: publish <see cref="EventsPerRun"/> events to one stream in batches of
/// <see cref="BatchSize"/>, and wait until the implicitly subscribed consumer grain has handled the last one
/// (its observer completes a task, no polling). The memory log measures the runtime (pulling agent, delivery
/// turns, checkpoints); SQLite adds the embedded durable store, PostgreSQL (a private server on loopback) the
/// cluster store. Events/s = 1e9 / mean ns per event.
/// </summary>
[MemoryDiagnoser]
public class StreamBenchmarks
{
    public const string Namespace = "bench-stream";
    private const int EventsPerRun = 2_000;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"microseg-bench-{Guid.NewGuid():N}");
    private IHost? _host;
    private PostgresFixture? _postgres;
    private IAsyncStream<int>? _stream;
    private int[][] _batches = [];

    [Params("memory", "sqlite", "postgres")]
    public string Log { get; set; } = "memory";

    [Params(1, 100)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        if (Log == "postgres")
            _postgres = new PostgresFixture();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.UseMicroSegSilo(silo =>
        {
            silo.UseLocalhostClustering(siloPort: 0, gatewayPort: 0);
            silo.AddGrains(typeof(StreamBenchmarks).Assembly);
            silo.AddMemoryGrainStorageAsDefault();
            if (Log == "sqlite")
                silo.AddSqliteStreams("bench", o => o.DatabasePath = Path.Combine(_directory, "streams.db"), o => o.MaxBatchSize = 500);
            else if (_postgres is not null)
                silo.AddPostgresStreams("bench", o => o.ConnectionString = _postgres.ConnectionString, o => o.MaxBatchSize = 500);
            else
                silo.AddMemoryStreams("bench", o => o.MaxBatchSize = 500);
        });
        _host = builder.Build();
        await _host.StartAsync();
        _stream = _host.Services.GetRequiredService<IClusterClient>().GetStreamProvider("bench").GetStream<int>(StreamId.Create(Namespace, Guid.NewGuid().ToString("N")));
        _batches = [.. Enumerable.Range(1, EventsPerRun).Chunk(BatchSize)];
        await RunAsync();
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }

        _postgres?.Dispose();
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(OperationsPerInvoke = EventsPerRun, Description = "publish → consumer, per event")]
    public async Task RunAsync()
    {
        var done = StreamBenchConsumerGrain.ExpectLast(EventsPerRun);
        foreach (var batch in _batches)
            await _stream!.OnNextBatchAsync(batch);
        await done.WaitAsync(TimeSpan.FromSeconds(60));
    }
}

/// <summary>The consumer: completes the expected task when the event with the expected value arrives.</summary>
[ImplicitStreamSubscription(StreamBenchmarks.Namespace)]
public sealed class StreamBenchConsumerGrain : Grain, IStreamBenchConsumerGrain, IAsyncObserver<int>
{
    private static volatile TaskCompletionSource? s_done;
    private static int s_last;

    /// <summary>A task that completes when an event with value <paramref name="last"/> is handled.</summary>
    public static Task ExpectLast(int last)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        s_last = last;
        s_done = done;
        return done.Task;
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken) =>
        this.GetStreamProvider("bench").GetStream<int>(StreamId.Create(Namespace, GetPrimaryKeyString())).SubscribeAsync(this);

    public Task OnNextAsync(int item, StreamSequenceToken? token = null)
    {
        if (item == s_last)
            s_done?.TrySetResult();
        return Task.CompletedTask;
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;

    public Task PingAsync() => Task.CompletedTask;

    private const string Namespace = StreamBenchmarks.Namespace;
}

/// <summary>The consumer's grain interface (unused by the benchmark, which reaches it through the stream).</summary>
public interface IStreamBenchConsumerGrain : IGrainWithStringKey
{
    /// <summary>Does nothing.</summary>
    Task PingAsync();
}
