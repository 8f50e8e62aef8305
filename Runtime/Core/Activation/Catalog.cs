using System.Collections.Concurrent;
using System.Text.Json;
using MicroSeg.Runtime.Cluster;
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
/// message. Which silo hosts a grain is decided in Catalog.Placement.cs.
/// </summary>
internal sealed partial class Catalog
{
    private static readonly Func<GrainId, (Catalog, GrainClassInfo), GrainActivation> s_create =
        static (id, state) => new GrainActivation(state.Item1, state.Item2, id);

    private readonly ConcurrentDictionary<GrainId, GrainActivation> _activations = new();
    private readonly ConcurrentDictionary<GrainId, WorkerPool> _workers = new();
    private readonly GrainSerializer _serializer;
    private readonly ILogger _logger;
    private readonly ClusterView _view;
    private readonly SiloReadiness _readiness;
    private IGrainFactory? _grainFactory;
    private SiloConnections? _silos;
    private volatile bool _stopping;

    public Catalog(IServiceProvider services, GrainSerializer serializer, ClusterView view, SiloReadiness readiness, IOptions<GrainCollectionOptions> collection,
        IOptions<SiloMessagingOptions> messaging, TimeProvider time, ILogger<Catalog> logger)
    {
        Services = services;
        _view = view;
        _readiness = readiness;
        view.Changed += OnViewChanged;
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

    /// <summary>Delivers a work item to the grain's activation in this silo, creating it if needed; held until the silo is ready.</summary>
    public void DispatchLocal(GrainClassInfo grainClass, GrainId id, WorkItem item)
    {
        // Stateless workers and system targets are per silo, so they never need the cluster to agree first.
        if (!grainClass.IsPlacedLocally && !_readiness.IsReady && _readiness.TryHold(() => Dispatch(grainClass, id, item)))
            return;
        Activate(grainClass, id, item);
    }

    private void Activate(GrainClassInfo grainClass, GrainId id, WorkItem item)
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
            var created = false;
            if (!_activations.TryGetValue(id, out var activation))
            {
                activation = _activations.GetOrAdd(id, s_create, (this, grainClass));
                created = true;
            }

            if (activation.TryEnqueue(item))
            {
                if (created)
                    MigrateIfNotOwned(activation);
                return;
            }

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

    /// <summary>Abrupt stop: refuses new calls and drops every activation without OnDeactivateAsync.</summary>
    public void Abort()
    {
        _stopping = true;
        // Calls held for readiness fail now (the silo is stopping) instead of waiting for a join that will not finish.
        _readiness.MarkReady();
        var error = new SiloUnavailableException("The silo stopped abruptly; retry, the grain reactivates on another silo.");
        foreach (var activation in Activations.ToList())
        {
            Remove(activation);
            activation.Abort(error);
        }
    }

    /// <summary>Refuses new calls and deactivates every activation (OnDeactivateAsync with ShuttingDown).</summary>
    public async Task DeactivateAllAsync(TimeSpan timeout)
    {
        _stopping = true;
        _readiness.MarkReady();
        var all = Activations.ToList();
        foreach (var activation in all)
            activation.RequestDeactivation(new(DeactivationReasonCode.ShuttingDown, "The silo is shutting down."));
        var done = Task.WhenAll(all.Select(a => a.Deactivated));
        if (await Task.WhenAny(done, Task.Delay(timeout, Time)).ConfigureAwait(false) != done)
            LogShutdownIncomplete(all.Count(a => !a.Deactivated.IsCompleted), timeout);
    }
}
