using Orleans.Runtime;

namespace MicroSeg.Grains.Common;

/// <summary>
/// Persists a grain's state for every caller that changed it, one write at a time: callers that arrive while a
/// write is in flight share the single write that starts after it. A grain whose state is one large blob (a
/// table of every holder, a shard of an index) otherwise pays one serialization and one storage commit per
/// call, one call after another. Use only from a reentrant grain's own turns, changing the state before
/// calling <see cref="WriteAsync"/> and without awaiting in between. <paramref name="beforeWrite"/>, when given, runs
/// in the grain's turn just before each write: a state kept in a stored form (packed entries) is brought up to date
/// there once per write instead of once per change. <paramref name="afterWrite"/>, when given, runs in the grain's turn
/// once the write has ended, stored or not: a stored form needed only for writing is let go there, so that it dies
/// young instead of being kept (and promoted by the GC) until the next write, seconds later. For the same reason the
/// writer lets go of its last write's task once that write has ended.
/// </summary>
internal sealed class CoalescedStateWriter<T>(IPersistentState<T> state, Action? beforeWrite = null, Action? afterWrite = null)
{
    private Task _current = Task.CompletedTask;
    private TaskCompletionSource? _queued;

    /// <summary>The write in progress or queued; <see cref="Task.CompletedTask"/> once the last one has ended (tests).</summary>
    internal Task PendingWrite => _current;

    /// <summary>Completes once a write that started after this call has been stored, or fails with that write.</summary>
    public Task WriteAsync()
    {
        if (_queued is { } queued)
            return queued.Task;
        queued = _queued = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var write = WriteAfterAsync(_current, queued);
        _current = write.IsCompleted ? Task.CompletedTask : write;
        return queued.Task;
    }

    private async Task WriteAfterAsync(Task previous, TaskCompletionSource queued)
    {
        // The previous write's outcome belongs to its own callers; this one is attempted either way.
        await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        // From here on a change needs the next write: this one may already have serialized the state.
        _queued = null;
        try
        {
            beforeWrite?.Invoke();
            await state.WriteStateAsync();
            queued.SetResult();
        }
        catch (Exception exception)
        {
            queued.SetException(exception);
        }
        finally
        {
            afterWrite?.Invoke();
            // No write was queued behind this one, so the next write need not wait for it: the writer, long-lived,
            // would otherwise keep this write's young task (and what it holds) until then.
            if (_queued is null)
                _current = Task.CompletedTask;
        }
    }
}
