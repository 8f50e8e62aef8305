using MicroSeg.Grains.Interfaces.Flows;

namespace MicroSeg.NodeAgent.Flows;

/// <summary>
/// Flow samples waiting for the control plane, at most <c>capacity</c> of them: when the control plane is slow
/// or unreachable the oldest are dropped and counted, so memory stays bounded and the collector never waits.
/// </summary>
internal sealed class FlowOutbox(int capacity)
{
    private readonly Lock _gate = new();
    private readonly Queue<IReadOnlyList<FlowSample>> _chunks = new();
    private readonly SemaphoreSlim _added = new(0);
    private int _count;
    private long _dropped;

    /// <summary>Samples dropped since the agent started.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Samples waiting.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
                return _count;
        }
    }

    /// <summary>Queues one interval's samples, dropping the oldest waiting ones beyond capacity.</summary>
    public void Add(IReadOnlyList<FlowSample> samples)
    {
        if (samples.Count == 0)
            return;
        lock (_gate)
        {
            _chunks.Enqueue(samples);
            _count += samples.Count;
            while (_count > capacity && _chunks.TryDequeue(out var oldest))
            {
                _count -= oldest.Count;
                Interlocked.Add(ref _dropped, oldest.Count);
            }
        }
        _added.Release();
    }

    /// <summary>Takes the oldest waiting samples (whole intervals, up to <paramref name="max"/> unless one interval is larger), waiting for some.</summary>
    public async Task<List<FlowSample>> TakeAsync(int max, CancellationToken cancellationToken)
    {
        while (true)
        {
            lock (_gate)
            {
                if (_chunks.Count > 0)
                {
                    var taken = new List<FlowSample>();
                    while (_chunks.TryPeek(out var next) && (taken.Count == 0 || taken.Count + next.Count <= max))
                    {
                        taken.AddRange(_chunks.Dequeue());
                        _count -= next.Count;
                    }
                    return taken;
                }
            }
            await _added.WaitAsync(cancellationToken);
        }
    }
}
