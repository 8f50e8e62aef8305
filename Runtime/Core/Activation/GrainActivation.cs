using MicroSeg.Runtime.Invocation;
using MicroSeg.Runtime.Messaging;

namespace MicroSeg.Runtime.Activation;

/// <summary>
/// One activation of a grain: its message queue and turn-taking. A request starts only when no other
/// (non-interleaving) request runs, unless the class is [Reentrant] or the method [AlwaysInterleave];
/// everything runs on the activation's serial <see cref="ActivationTaskScheduler"/>.
/// </summary>
internal sealed partial class GrainActivation : IWorkItemOwner, IGrainActivationContext
{
    private static readonly Action<object?> s_pump = static s => ((GrainActivation)s!).Pump();
    private static readonly Func<object?, Task> s_activate = static s => ((GrainActivation)s!).ActivateAsync();

    private readonly object _lock = new();
    private readonly Catalog _catalog;
    private readonly ActivationTaskScheduler _scheduler = new();
    private readonly Queue<WorkItem> _queue = new();
    private readonly Queue<WorkItem> _interleaving = new();
    private readonly List<WorkItem> _running = [];
    private int _runningExclusive;
    private ActivationState _state;
    private bool _pumpScheduled;
    private DeactivationReason? _deactivation;
    private long _lastActiveMs;
    private readonly Microsoft.Extensions.Logging.ILogger _logger;
    private Grain? _grain;

    public GrainActivation(Catalog catalog, GrainClassInfo grainClass, GrainId id)
    {
        _catalog = catalog;
        _logger = catalog.Logger;
        Class = grainClass;
        Id = id;
    }

    private enum ActivationState
    {
        Created,
        Activating,
        Valid,
        Deactivating,
        Invalid,
    }

    public GrainId Id { get; }

    public GrainClassInfo Class { get; }

    public string Key => Id.Key;

    public IGrainFactory GrainFactory => _catalog.GrainFactory;

    /// <summary>Nothing queued or running (used to pick a stateless worker).</summary>
    public bool IsIdle
    {
        get
        {
            lock (_lock)
                return _running.Count == 0 && _queue.Count == 0 && _interleaving.Count == 0 && _state != ActivationState.Invalid;
        }
    }

    /// <summary>Queues a work item; false when this activation is gone (the caller then dispatches again).</summary>
    public bool TryEnqueue(WorkItem item)
    {
        var activate = false;
        var pump = false;
        lock (_lock)
        {
            if (_state == ActivationState.Invalid)
                return false;
            (item.AlwaysInterleave ? _interleaving : _queue).Enqueue(item);
            if (_state == ActivationState.Created)
            {
                _state = ActivationState.Activating;
                activate = true;
            }
            else
            {
                pump = SchedulePumpIfNeeded();
            }
        }

        if (activate)
            Task.Factory.StartNew(s_activate, this, CancellationToken.None, TaskCreationOptions.DenyChildAttach, _scheduler);
        else if (pump)
            SchedulePump();
        return true;
    }

    public void OnCompleted(WorkItem item)
    {
        bool pump;
        lock (_lock)
        {
            EndTurn(item);
            pump = SchedulePumpIfNeeded();
        }

        if (pump)
            SchedulePump();
    }

    /// <summary>Deactivates once the running requests finish; queued requests then go to a new activation.</summary>
    public void RequestDeactivation(DeactivationReason reason)
    {
        bool pump;
        var neverStarted = false;
        lock (_lock)
        {
            if (_deactivation is not null || _state is ActivationState.Deactivating or ActivationState.Invalid)
                return;
            _deactivation = reason;
            if (_state == ActivationState.Created)
            {
                _state = ActivationState.Invalid;
                neverStarted = true;
            }

            pump = !neverStarted && SchedulePumpIfNeeded();
        }

        // Outside the lock: the catalog takes its own locks (lock order is catalog, then activation).
        if (neverStarted)
        {
            _catalog.Remove(this);
            _deactivated.TrySetResult();
        }
        else if (pump)
        {
            SchedulePump();
        }
    }

    /// <summary>
    /// Abrupt stop (the silo was killed or declared dead): no OnDeactivateAsync, timers stop, queued calls
    /// fail with <paramref name="exception"/>; a turn already running finishes on its own.
    /// </summary>
    public void Abort(Exception exception)
    {
        List<WorkItem> queued;
        lock (_lock)
        {
            _state = ActivationState.Invalid;
            queued = [.. _queue, .. _interleaving];
            _queue.Clear();
            _interleaving.Clear();
        }

        foreach (var item in queued)
            item.Fail(exception);
        _ = DisposeAsync();
    }

    public void DeactivateOnIdle() => RequestDeactivation(new(DeactivationReasonCode.ApplicationRequested, "DeactivateOnIdle was called."));

    /// <summary>Starts idle deactivation when nothing ran for <paramref name="ageMs"/>.</summary>
    public void CollectIfIdle(long nowMs, long ageMs)
    {
        lock (_lock)
        {
            if (_state != ActivationState.Valid || _running.Count > 0 || _queue.Count > 0 || _interleaving.Count > 0 || nowMs - _lastActiveMs < ageMs)
                return;
        }

        RequestDeactivation(new(DeactivationReasonCode.ActivationIdle, "The activation was idle longer than the collection age."));
    }

    /// <summary>Fails the callers of queued or running local calls whose response timeout passed.</summary>
    public void ExpireCalls(long nowMs)
    {
        lock (_lock)
        {
            foreach (var item in _running)
                item.ExpireIfDue(nowMs);
            foreach (var item in _queue)
                item.ExpireIfDue(nowMs);
            foreach (var item in _interleaving)
                item.ExpireIfDue(nowMs);
        }
    }

    private void SchedulePump() =>
        Task.Factory.StartNew(s_pump, this, CancellationToken.None, TaskCreationOptions.DenyChildAttach, _scheduler);

    // Called under the lock: claims the pump when there is something for it to do.
    private bool SchedulePumpIfNeeded()
    {
        if (_pumpScheduled || _state != ActivationState.Valid)
            return false;
        var work = _deactivation is null ? HasRunnable() : _running.Count == 0;
        if (work)
            _pumpScheduled = true;
        return work;
    }

    private bool HasRunnable() =>
        _interleaving.Count > 0 || (_queue.Count > 0 && (_runningExclusive == 0 || Class.Reentrant));

    private WorkItem? TakeRunnable()
    {
        if (_state != ActivationState.Valid || _deactivation is not null)
            return null;
        while (_interleaving.TryDequeue(out var item))
        {
            if (!item.IsAbandoned)
                return item;
        }

        while ((_runningExclusive == 0 || Class.Reentrant) && _queue.TryDequeue(out var item))
        {
            if (!item.IsAbandoned)
                return item;
        }

        return null;
    }

    private void EndTurn(WorkItem item)
    {
        _running.Remove(item);
        if (!item.AlwaysInterleave)
            _runningExclusive--;
        if (item.KeepsAlive)
            _lastActiveMs = _catalog.NowMs;
    }

    // Runs on the activation scheduler: starts every request that may run now.
    private void Pump()
    {
        while (true)
        {
            WorkItem? item;
            var deactivate = false;
            lock (_lock)
            {
                item = TakeRunnable();
                if (item is null)
                {
                    _pumpScheduled = false;
                    if (_state == ActivationState.Valid && _deactivation is not null && _running.Count == 0)
                    {
                        _state = ActivationState.Deactivating;
                        deactivate = true;
                    }
                }
                else
                {
                    _running.Add(item);
                    if (!item.AlwaysInterleave)
                        _runningExclusive++;
                    if (item.KeepsAlive)
                        _lastActiveMs = _catalog.NowMs;
                }
            }

            if (item is null)
            {
                if (deactivate)
                    _ = DeactivateAsync();
                return;
            }

            item.Owner = this;
            if (item.Start(_grain!))
            {
                lock (_lock)
                    EndTurn(item);
            }
        }
    }
}
