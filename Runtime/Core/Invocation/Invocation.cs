using System.Diagnostics;
using System.Runtime.CompilerServices;
using MicroSeg.Runtime.Activation;
using MicroSeg.Runtime.Diagnostics;
using MicroSeg.Runtime.Messaging;

namespace MicroSeg.Runtime.Invocation;

/// <summary>A work item that calls one interface method and reports its outcome.</summary>
internal abstract class Invocation<T>(MethodDescriptor<T> method, object?[] args) : WorkItem
{
    private readonly long _received = Stopwatch.GetTimestamp();
    private ConfiguredValueTaskAwaitable<T>.ConfiguredValueTaskAwaiter _awaiter;
    private MethodStatistics? _statistics;

    public MethodDescriptor<T> Method { get; } = method;

    public override bool AlwaysInterleave => Method.AlwaysInterleave;

    public sealed override bool Start(object target)
    {
        if (Owner is GrainActivation activation)
            _statistics = CallStatistics.For(activation.Class, Method);
        ValueTask<T> pending;
        try
        {
            pending = Method.Invoker(target, args);
        }
        catch (Exception ex)
        {
            Failed(ex);
            return true;
        }

        if (pending.IsCompleted)
        {
            Finish(pending.ConfigureAwait(false).GetAwaiter());
            return true;
        }

        _awaiter = pending.ConfigureAwait(false).GetAwaiter();
        _awaiter.UnsafeOnCompleted(OnAsyncCompleted);
        return false;
    }

    public sealed override void Fail(Exception exception) => OnFailed(exception);

    public sealed override void Forward(MessageConnection connection, TargetKind kind, string target, string key)
    {
        if (Method.OneWay)
        {
            connection.SendRequest(null, kind, target, key, Method, args, ForwardCount);
            OnSucceeded(default!);
            return;
        }

        var pending = new PendingResponse<T>(Method);
        connection.SendRequest(pending, kind, target, key, Method, args, ForwardCount);
        ((Task<T>)pending.Task).ContinueWith(static (task, state) =>
        {
            var call = (Invocation<T>)state!;
            if (task.IsCompletedSuccessfully)
                call.OnSucceeded(task.Result);
            else
                call.OnFailed(task.Exception?.InnerException ?? new TaskCanceledException(task));
        }, this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    protected abstract void OnSucceeded(T result);

    protected abstract void OnFailed(Exception exception);

    private void OnAsyncCompleted()
    {
        Finish(_awaiter);
        _awaiter = default;
        Owner!.OnCompleted(this);
    }

    private void Finish(ConfiguredValueTaskAwaitable<T>.ConfiguredValueTaskAwaiter awaiter)
    {
        T result;
        try
        {
            result = awaiter.GetResult();
        }
        catch (Exception ex)
        {
            Failed(ex);
            return;
        }

        RecordCompletion(failed: false);
        OnSucceeded(result);
    }

    private void Failed(Exception exception)
    {
        RecordCompletion(failed: true);
        // As in Orleans: an activation whose state is stale (ETag conflict, e.g. after a duplicate activation
        // during a membership change) deactivates, so the next call reloads the state instead of failing forever.
        if (exception is InconsistentStateException && Owner is GrainActivation activation)
            activation.RequestDeactivation(new(DeactivationReasonCode.ApplicationRequested, "A state write found a newer version in storage."));
        OnFailed(exception);
    }

    // Before the caller hears the outcome, so a caller that reads the statistics next sees its call.
    private void RecordCompletion(bool failed)
    {
        if (_statistics is { } statistics)
        {
            var now = Stopwatch.GetTimestamp();
            statistics.Record(now, now - _received, failed);
        }
    }
}

/// <summary>A call made in this process: the caller awaits <see cref="Task"/>; arguments and result pass by reference.</summary>
internal sealed class LocalCall<T>(MethodDescriptor<T> method, object?[] args, long deadline) : Invocation<T>(method, args)
{
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<T> Task => _completion.Task;

    public override bool IsAbandoned => _completion.Task.IsCompleted;

    public override bool ExpireIfDue(long nowTicks)
    {
        if (nowTicks < deadline || _completion.Task.IsCompleted)
            return false;
        return _completion.TrySetException(new TimeoutException($"{Method.Id} did not answer within the response timeout."));
    }

    protected override void OnSucceeded(T result) => _completion.TrySetResult(result);

    protected override void OnFailed(Exception exception) => _completion.TrySetException(exception);
}
