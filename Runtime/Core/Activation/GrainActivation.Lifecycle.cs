using MicroSeg.Runtime.Invocation;
using MicroSeg.Runtime.Storage;
using MicroSeg.Runtime.Timers;
using Microsoft.Extensions.DependencyInjection;

namespace MicroSeg.Runtime.Activation;

/// <summary>Activation and deactivation of a grain, each run as a turn on the activation scheduler.</summary>
internal sealed partial class GrainActivation
{
    private readonly List<IStateLoader> _states = [];
    private readonly List<GrainTimer> _timers = [];
    private readonly TaskCompletionSource _deactivated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private AsyncServiceScope? _scope;

    /// <summary>Completes when the activation is gone.</summary>
    public Task Deactivated => _deactivated.Task;

    /// <summary>Called by the grain constructor plan for each [PersistentState] parameter.</summary>
    public object CreateState<TState>(string stateName, string? storageName) where TState : new()
    {
        var name = storageName ?? GrainStorageNames.Default;
        var storage = _scope!.Value.ServiceProvider.GetKeyedService<IGrainStorage>(name)
            ?? throw new InvalidOperationException($"{Class.ClassType.Name}: no grain storage named '{name}' is registered (state '{stateName}'); call AddMemoryGrainStorage or AddSqliteGrainStorage{(storageName is null ? "AsDefault" : "")}.");
        var state = new PersistentState<TState>(storage, Id, stateName, _catalog.Serializer);
        _states.Add(state);
        return state;
    }

    public IGrainTimer RegisterTimer(Func<object?, CancellationToken, Task> callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new GrainTimer(this, callback, state, dueTime, period, _catalog.Time);
        lock (_lock)
            _timers.Add(timer);
        return timer;
    }

    public void RemoveTimer(GrainTimer timer)
    {
        lock (_lock)
            _timers.Remove(timer);
    }

    public void LogTimerFailure(Exception exception) => LogTimerFailed(exception, Id.ToString());

    private async Task ActivateAsync()
    {
        try
        {
            _scope = _catalog.Services.CreateAsyncScope();
            var previous = GrainActivationContext.Current;
            GrainActivationContext.Current = this;
            try
            {
                _grain = Class.Create(_scope.Value.ServiceProvider, this);
            }
            finally
            {
                GrainActivationContext.Current = previous;
            }

            foreach (var state in _states)
                await state.ReadStateAsync();
            using var timeout = new CancellationTokenSource(_catalog.ActivationTimeout);
            await _grain.OnActivateAsync(timeout.Token);
        }
        catch (Exception ex)
        {
            LogActivationFailed(ex, Id.ToString());
            await FailActivationAsync(ex);
            return;
        }

        lock (_lock)
        {
            _state = ActivationState.Valid;
            _lastActiveMs = _catalog.NowMs;
            _pumpScheduled = true;
        }

        Pump();
    }

    private async Task FailActivationAsync(Exception exception)
    {
        _catalog.Remove(this);
        List<WorkItem> items;
        lock (_lock)
        {
            _state = ActivationState.Invalid;
            items = [.. _queue, .. _interleaving];
            _queue.Clear();
            _interleaving.Clear();
        }

        foreach (var item in items)
            item.Fail(exception);
        await DisposeAsync();
    }

    private async Task DeactivateAsync()
    {
        var reason = _deactivation!.Value;
        DisposeTimers();
        try
        {
            using var timeout = new CancellationTokenSource(_catalog.DeactivationTimeout);
            await _grain!.OnDeactivateAsync(reason, timeout.Token);
        }
        catch (Exception ex)
        {
            LogDeactivationFailed(ex, Id.ToString(), reason.ReasonCode);
        }

        _catalog.Remove(this);
        List<WorkItem> leftovers;
        lock (_lock)
        {
            _state = ActivationState.Invalid;
            leftovers = [.. _queue, .. _interleaving];
            _queue.Clear();
            _interleaving.Clear();
        }

        foreach (var item in leftovers)
        {
            if (item.CanRedirect)
                _catalog.Dispatch(Class, Id, item);
        }

        await DisposeAsync();
    }

    private void DisposeTimers()
    {
        GrainTimer[] timers;
        lock (_lock)
            timers = [.. _timers];
        foreach (var timer in timers)
            timer.Dispose();
    }

    private async Task DisposeAsync()
    {
        DisposeTimers();
        try
        {
            if (_scope is { } scope)
                await scope.DisposeAsync();
        }
        catch (Exception ex)
        {
            LogDeactivationFailed(ex, Id.ToString(), DeactivationReasonCode.None);
        }

        _deactivated.TrySetResult();
    }
}
