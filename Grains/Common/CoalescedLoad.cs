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

    /// <summary>
    /// A result that <paramref name="suffices"/>: the run in progress when it turns out new enough (a caller who
    /// knows what its result must include need not wait for a run that started after it), else a later one.
    /// </summary>
    public async Task<T> GetIncludingAsync(Func<T, bool> suffices)
    {
        Task<T>? running;
        lock (_gate)
            running = _running is { IsCompleted: false } r ? r : null;
        if (running is not null)
        {
            try
            {
                var result = await running.ConfigureAwait(false);
                if (suffices(result))
                    return result;
            }
            catch (Exception)
            {
                // That run's failure belongs to its callers; this caller asks for a run of its own below.
            }
        }
        return await GetAsync().ConfigureAwait(false);
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
