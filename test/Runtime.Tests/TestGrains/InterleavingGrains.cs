namespace MicroSeg.Runtime.Tests.TestGrains;

/// <summary>A reentrant grain: two calls are inside at once.</summary>
public interface IReentrantGrain : IGrainWithStringKey
{
    /// <summary>Waits until another call is inside too; returns the most calls seen inside together.</summary>
    Task<int> MeetAsync();
}

[Reentrant]
public sealed class ReentrantGrain : Grain, IReentrantGrain
{
    private readonly TaskCompletionSource _both = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _inside;
    private int _max;

    public async Task<int> MeetAsync()
    {
        _inside++;
        _max = Math.Max(_max, _inside);
        if (_inside == 2)
            _both.TrySetResult();
        await _both.Task.WaitAsync(TimeSpan.FromSeconds(10));
        _inside--;
        return _max;
    }
}

/// <summary>A non-reentrant grain with an [AlwaysInterleave] method.</summary>
public interface IInterleaveGrain : IGrainWithStringKey
{
    /// <summary>Waits until <see cref="ReleaseAsync"/> is called.</summary>
    Task<bool> HoldAsync();

    /// <summary>Releases <see cref="HoldAsync"/>; runs while it holds.</summary>
    [AlwaysInterleave]
    Task ReleaseAsync();

    /// <summary>A normal call.</summary>
    Task<int> PingAsync();

    /// <summary>One-way: queued, the caller does not wait.</summary>
    [OneWay]
    Task FireAsync();

    /// <summary>Number of FireAsync calls run.</summary>
    Task<int> FiredAsync();
}

public sealed class InterleaveGrain : Grain, IInterleaveGrain
{
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _pings;
    private int _fired;

    public async Task<bool> HoldAsync()
    {
        await _release.Task.WaitAsync(TimeSpan.FromSeconds(10));
        return true;
    }

    public Task ReleaseAsync()
    {
        _release.TrySetResult();
        return Task.CompletedTask;
    }

    public Task<int> PingAsync() => Task.FromResult(++_pings);

    public Task FireAsync()
    {
        _fired++;
        return Task.CompletedTask;
    }

    public Task<int> FiredAsync() => Task.FromResult(_fired);
}

/// <summary>A stateless worker.</summary>
public interface IWorkerGrain : IGrainWithStringKey
{
    /// <summary>Holds until the gate count reaches <paramref name="peers"/>; returns this activation's id.</summary>
    ValueTask<Guid> MeetAsync(int peers);
}

[StatelessWorker(4)]
public sealed class WorkerGrain : Grain, IWorkerGrain
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, TaskCompletionSource> s_gates = new();
    private readonly Guid _id = Guid.NewGuid();

    public async ValueTask<Guid> MeetAsync(int peers)
    {
        var key = GetPrimaryKeyString();
        var gate = s_gates.GetOrAdd(key, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (Probe.Increment($"worker:{key}") >= peers)
            gate.TrySetResult();
        await gate.Task.WaitAsync(TimeSpan.FromSeconds(10));
        return _id;
    }
}
