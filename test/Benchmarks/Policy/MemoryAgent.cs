using MicroSeg.Grains.Interfaces.Nodes;

namespace MicroSeg.Benchmarks.Policy;

/// <summary>
/// A node agent that programs memory instead of the kernel: it turns each snapshot into the map
/// dictionaries the real agent would write, then stamps the time, so latency covers delivery and
/// programming as the real agent's does (minus the syscalls).
/// </summary>
internal sealed class MemoryAgent(TimeProvider time) : INodeRulesObserver
{
    private NodeRules? _rules;

    /// <summary>Called when a delta does not fit (the real agent re-subscribes for a snapshot).</summary>
    public Func<Task>? Resubscribe { get; set; }

    public Task OnDeltaAsync(NodeRulesDelta delta)
    {
        NodeRules? next;
        lock (_gate)
            next = _rules is { } held && held.Epoch == delta.Epoch && held.Revision == delta.BaseRevision ? delta.ApplyTo(held) : null;
        return next is not null ? OnRulesAsync(next) : Resubscribe?.Invoke() ?? Task.CompletedTask;
    }

    private readonly Lock _gate = new();
    private readonly List<(Func<IReadOnlyDictionary<string, uint>, bool> Holds, TaskCompletionSource<long> Done)> _watches = [];
    private Dictionary<string, uint> _ipcache = [];
    private long _revision = -1;

    public Task OnRulesAsync(NodeRules rules)
    {
        // Build what the agent's DesiredMaps builds: identities by block and policy entries by key.
        var ipcache = rules.IpCache.ToDictionary(r => r.Cidr, r => r.Identity);
        var policy = rules.Policy.ToDictionary(p => (p.WorkloadId, p.Direction, p.RemoteIdentity, p.Protocol, p.Port), p => (p.RuleId, p.Action));
        GC.KeepAlive(policy);
        lock (_gate)
        {
            if (rules.Revision < _revision)
                return Task.CompletedTask;
            _revision = rules.Revision;
            _rules = rules;
            _ipcache = ipcache;
            var stamp = time.GetTimestamp();
            foreach (var watch in _watches.Where(w => w.Holds(_ipcache)).ToList())
            {
                watch.Done.TrySetResult(stamp);
                _watches.Remove(watch);
            }
        }
        return Task.CompletedTask;
    }

    public long Revision
    {
        get
        {
            lock (_gate)
                return _revision;
        }
    }

    /// <summary>Completes with the stamp of the first applied snapshot whose ipcache satisfies <paramref name="holds"/>.</summary>
    public Task<long> WhenAsync(Func<IReadOnlyDictionary<string, uint>, bool> holds)
    {
        lock (_gate)
        {
            if (holds(_ipcache))
                return Task.FromResult(time.GetTimestamp());
            var done = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            _watches.Add((holds, done));
            return done.Task;
        }
    }
}
