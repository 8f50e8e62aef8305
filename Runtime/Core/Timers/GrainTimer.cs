using MicroSeg.Runtime.Activation;
using MicroSeg.Runtime.Invocation;

namespace MicroSeg.Runtime.Timers;

/// <summary>
/// A grain timer (Orleans 8 <c>RegisterGrainTimer</c>): each tick is queued to the activation as a turn;
/// the next tick is armed only after the callback completes. Ticks do not keep the activation alive.
/// </summary>
internal sealed class GrainTimer : IGrainTimer
{
    private readonly object _lock = new();
    private readonly GrainActivation _activation;
    private readonly Func<object?, CancellationToken, Task> _callback;
    private readonly object? _state;
    private readonly ITimer _timer;
    private readonly CancellationTokenSource _disposed = new();
    private TimeSpan _period;

    public GrainTimer(GrainActivation activation, Func<object?, CancellationToken, Task> callback, object? state,
        TimeSpan dueTime, TimeSpan period, TimeProvider time)
    {
        _activation = activation;
        _callback = callback;
        _state = state;
        _timer = time.CreateTimer(static s => ((GrainTimer)s!).OnTick(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        Change(dueTime, period);
    }

    public void Change(TimeSpan dueTime, TimeSpan period)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
            _period = period;
            _timer.Change(dueTime, Timeout.InfiniteTimeSpan);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed.IsCancellationRequested)
                return;
            _disposed.Cancel();
            _timer.Dispose();
        }

        _activation.RemoveTimer(this);
    }

    internal Task RunCallback() => _callback(_state, _disposed.Token);

    internal void OnTickCompleted(Task? callback)
    {
        if (callback is { IsFaulted: true })
            _activation.LogTimerFailure(callback.Exception!.InnerException!);
        lock (_lock)
        {
            if (!_disposed.IsCancellationRequested && _period != Timeout.InfiniteTimeSpan)
                _timer.Change(_period, Timeout.InfiniteTimeSpan);
        }
    }

    private void OnTick()
    {
        if (!_disposed.IsCancellationRequested)
            _activation.TryEnqueue(new TimerTick(this));
    }

    /// <summary>One tick as a work item of the activation.</summary>
    private sealed class TimerTick(GrainTimer timer) : WorkItem
    {
        private Task? _callback;

        public override bool KeepsAlive => false;

        public override bool CanRedirect => false;

        public override bool Start(object target)
        {
            Task callback;
            try
            {
                callback = timer.RunCallback();
            }
            catch (Exception ex)
            {
                callback = Task.FromException(ex);
            }

            if (callback.IsCompleted)
            {
                timer.OnTickCompleted(callback);
                return true;
            }

            _callback = callback;
            callback.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(OnAsyncCompleted);
            return false;
        }

        public override void Fail(Exception exception)
        {
        }

        private void OnAsyncCompleted()
        {
            timer.OnTickCompleted(_callback);
            Owner!.OnCompleted(this);
        }
    }
}
