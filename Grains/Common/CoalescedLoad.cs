namespace MicroSeg.Grains.Common;

/// <summary>
/// Shares one run of an expensive load among every caller that needs "a result at least as new as my
/// call". A caller that arrives while a run is in progress cannot use it (it may have read the cluster
/// before the caller's change), so it waits for the next run, which every caller arriving meanwhile
/// shares. At most one run is in progress and one queued, however many callers there are: under a burst
/// of changes the work is one load per load-duration, not one per change.
/// </summary>
internal sealed class CoalescedLoad<T>(Func<Task<T>> load)
{
    private readonly Lock _gate = new();
    private Task<T>? _running;
    private Task<T>? _queued;

    /// <summary>A result whose load started after this call.</summary>
    public Task<T> GetAsync()
    {
        lock (_gate)
        {
            if (_queued is { } queued)
                return queued;
            if (_running is not { IsCompleted: false } running)
                return _running = Task.Run(load);
            // Task.Run: the continuation below must not run inside this lock, and must not see _queued unset.
            return _queued = Task.Run(() => AfterAsync(running));
        }
    }

    private async Task<T> AfterAsync(Task<T> previous)
    {
        // Its outcome is not ours: a failed run fails its own callers, this one loads anew.
        await previous.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        Task<T> mine;
        lock (_gate)
        {
            mine = _running = Task.Run(load);
            _queued = null;
        }
        return await mine;
    }
}
