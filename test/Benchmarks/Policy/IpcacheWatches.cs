namespace MicroSeg.Benchmarks.Policy;

/// <summary>
/// Waiters on an agent's ipcache: each completes with the stamp of the first applied revision whose
/// ipcache satisfies its condition. Shared by the memory and the real agents of the latency benchmark.
/// </summary>
internal sealed class IpcacheWatches
{
    private readonly Lock _gate = new();
    private readonly List<(Func<IReadOnlyDictionary<string, uint>, bool> Holds, TaskCompletionSource<long> Done)> _watches = [];
    private IReadOnlyDictionary<string, uint> _current = new Dictionary<string, uint>();
    private long _revision = -1;
    private long _appliedAt;

    public long Revision
    {
        get
        {
            lock (_gate)
                return _revision;
        }
    }

    /// <summary>Records an applied revision and its ipcache (which the caller no longer changes), stamped <paramref name="stamp"/>.</summary>
    public void Applied(long revision, IReadOnlyDictionary<string, uint> ipcache, long stamp)
    {
        lock (_gate)
        {
            _revision = revision;
            _current = ipcache;
            _appliedAt = stamp;
            foreach (var watch in _watches.Where(w => w.Holds(ipcache)).ToList())
            {
                watch.Done.TrySetResult(stamp);
                _watches.Remove(watch);
            }
        }
    }

    public Task<long> WhenAsync(Func<IReadOnlyDictionary<string, uint>, bool> holds)
    {
        lock (_gate)
        {
            // Already true: stamped when the revision that holds it was applied, not when someone asked (in another
            // process, the question arrives a pipe and a thread hop after the answer was there).
            if (holds(_current))
                return Task.FromResult(_appliedAt);
            var done = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            _watches.Add((holds, done));
            return done.Task;
        }
    }
}

/// <summary>An agent of the latency benchmark: what it last applied, and when its ipcache first met a condition.</summary>
internal interface IStampedAgent
{
    long Revision { get; }

    Task<long> WhenAsync(Func<IReadOnlyDictionary<string, uint>, bool> holds);
}
