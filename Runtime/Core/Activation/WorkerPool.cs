namespace MicroSeg.Runtime.Activation;

/// <summary>The local activations of one [StatelessWorker] grain id: an idle one is reused, more are made up to the limit.</summary>
internal sealed class WorkerPool(int maxWorkers)
{
    private readonly List<GrainActivation> _workers = [];
    private int _next;

    public int Count
    {
        get
        {
            lock (_workers)
                return _workers.Count;
        }
    }

    public GrainActivation Pick(Func<GrainActivation> create)
    {
        lock (_workers)
        {
            foreach (var worker in _workers)
            {
                if (worker.IsIdle)
                    return worker;
            }

            if (_workers.Count < maxWorkers)
            {
                var created = create();
                _workers.Add(created);
                return created;
            }

            return _workers[(int)((uint)_next++ % (uint)_workers.Count)];
        }
    }

    public void Remove(GrainActivation worker)
    {
        lock (_workers)
            _workers.Remove(worker);
    }

    public GrainActivation[] Snapshot()
    {
        lock (_workers)
            return [.. _workers];
    }
}
