using System.Collections.Concurrent;
using System.Text.Json;
using MicroSeg.Runtime.Hosting;
using MicroSeg.Runtime.Invocation;
using MicroSeg.Runtime.Messaging;
using MicroSeg.Runtime.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MicroSeg.Runtime.Activation;

/// <summary>
/// The silo's activations: one per grain id (a small pool for stateless workers), created on the first
/// message. Single-silo today; cluster placement would decide here whether an id is local.
/// </summary>
internal sealed partial class Catalog
{
    private static readonly Func<GrainId, (Catalog, GrainClassInfo), GrainActivation> s_create =
        static (id, state) => new GrainActivation(state.Item1, state.Item2, id);

    private readonly ConcurrentDictionary<GrainId, GrainActivation> _activations = new();
    private readonly ConcurrentDictionary<GrainId, WorkerPool> _workers = new();
    private readonly GrainSerializer _serializer;
    private readonly ILogger _logger;
    private IGrainFactory? _grainFactory;
    private volatile bool _stopping;

    public Catalog(IServiceProvider services, GrainSerializer serializer, IOptions<GrainCollectionOptions> collection,
        IOptions<SiloMessagingOptions> messaging, TimeProvider time, ILogger<Catalog> logger)
    {
        Services = services;
        _serializer = serializer;
        Time = time;
        Logger = _logger = logger;
        ActivationTimeout = collection.Value.ActivationTimeout;
        DeactivationTimeout = collection.Value.DeactivationTimeout;
        ResponseTimeout = messaging.Value.ResponseTimeout;
    }

    public IServiceProvider Services { get; }

    public TimeProvider Time { get; }

    public ILogger Logger { get; }

    public TimeSpan ActivationTimeout { get; }

    public TimeSpan DeactivationTimeout { get; }

    public TimeSpan ResponseTimeout { get; }

    public JsonSerializerOptions Serializer => _serializer.Options;

    public IGrainFactory GrainFactory => _grainFactory ??= Services.GetRequiredService<IGrainFactory>();

    public long NowMs => MessagingClock.NowMs(Time);

    public int ActivationCount => _activations.Count + _workers.Values.Sum(p => p.Count);

    /// <summary>Delivers a work item to the grain's activation, creating it if needed.</summary>
    public void Dispatch(GrainClassInfo grainClass, GrainId id, WorkItem item)
    {
        if (_stopping)
        {
            item.Fail(new SiloUnavailableException($"The silo is shutting down; {id} cannot be called."));
            return;
        }

        if (grainClass.IsStatelessWorker)
        {
            var pool = _workers.GetOrAdd(id, static (_, max) => new WorkerPool(max), grainClass.MaxWorkers);
            while (!pool.Pick(() => new GrainActivation(this, grainClass, id)).TryEnqueue(item))
            {
            }

            return;
        }

        while (true)
        {
            if (!_activations.TryGetValue(id, out var activation))
                activation = _activations.GetOrAdd(id, s_create, (this, grainClass));
            if (activation.TryEnqueue(item))
                return;
            _activations.TryRemove(new KeyValuePair<GrainId, GrainActivation>(id, activation));
        }
    }

    /// <summary>Forgets an activation that is deactivating or failed.</summary>
    public void Remove(GrainActivation activation)
    {
        if (activation.Class.IsStatelessWorker)
        {
            if (_workers.TryGetValue(activation.Id, out var pool))
                pool.Remove(activation);
            return;
        }

        _activations.TryRemove(new KeyValuePair<GrainId, GrainActivation>(activation.Id, activation));
    }

    public IEnumerable<GrainActivation> Activations => _activations.Values.Concat(_workers.Values.SelectMany(p => p.Snapshot()));

    public void CollectIdle(TimeSpan age)
    {
        var now = NowMs;
        var ageMs = (long)age.TotalMilliseconds;
        foreach (var activation in Activations)
            activation.CollectIfIdle(now, ageMs);
    }

    public void ExpireCalls()
    {
        var now = NowMs;
        foreach (var activation in Activations)
            activation.ExpireCalls(now);
    }

    /// <summary>Refuses new calls and deactivates every activation (OnDeactivateAsync with ShuttingDown).</summary>
    public async Task DeactivateAllAsync(TimeSpan timeout)
    {
        _stopping = true;
        var all = Activations.ToList();
        foreach (var activation in all)
            activation.RequestDeactivation(new(DeactivationReasonCode.ShuttingDown, "The silo is shutting down."));
        var done = Task.WhenAll(all.Select(a => a.Deactivated));
        if (await Task.WhenAny(done, Task.Delay(timeout, Time)).ConfigureAwait(false) != done)
            LogShutdownIncomplete(all.Count(a => !a.Deactivated.IsCompleted), timeout);
    }
}
