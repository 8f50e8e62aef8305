using MicroSeg.Grains.Interfaces.Nodes;

namespace MicroSeg.Benchmarks.Policy;

/// <summary>
/// A node agent that programs memory instead of the kernel: like the real agent it writes a snapshot
/// into its map dictionaries and applies a delta to them in place (sets before removals), then stamps
/// the time, so latency covers delivery and programming as the real agent's does (minus the syscalls).
/// </summary>
internal sealed class MemoryAgent(TimeProvider time) : INodeRulesObserver, IStampedAgent
{
    private readonly Lock _gate = new();
    private readonly IpcacheWatches _watches = new();
    private readonly Dictionary<string, uint> _ipcache = [];
    private readonly Dictionary<PolicyEntryKey, (uint RuleId, MicroSeg.Grains.Interfaces.Policies.PolicyAction Action)> _policy = [];
    private readonly Dictionary<string, EndpointRule> _endpoints = [];
    private string _epoch = "";

    /// <summary>Called when a delta does not fit (the real agent re-subscribes for a snapshot).</summary>
    public Func<Task>? Resubscribe { get; set; }

    /// <summary>
    /// What this agent has applied, repeated on every heartbeat subscription as the real agent does: the node
    /// grain forgets agents that stay silent longer than its agent timeout.
    /// </summary>
    public NodeAck? LastAck
    {
        get
        {
            lock (_gate)
                return _epoch.Length == 0 ? null : new NodeAck(_epoch, _watches.Revision, [], [], null);
        }
    }

    public Task OnRulesAsync(NodeRules rules)
    {
        lock (_gate)
        {
            if (rules.Epoch == _epoch && rules.Revision <= _watches.Revision)
                return Task.CompletedTask;
            _ipcache.Clear();
            _policy.Clear();
            _endpoints.Clear();
            Apply(rules.Endpoints, rules.IpCache, rules.Policy, [], [], []);
            Applied(rules.Epoch, rules.Revision);
        }
        return Task.CompletedTask;
    }

    public Task OnDeltaAsync(NodeRulesDelta delta)
    {
        lock (_gate)
        {
            if (delta.Epoch == _epoch && delta.BaseRevision == _watches.Revision)
            {
                Apply(delta.EndpointsSet, delta.IpCacheSet, delta.PolicySet, delta.EndpointsRemoved, delta.IpCacheRemoved, delta.PolicyRemoved);
                Applied(delta.Epoch, delta.Revision);
                return Task.CompletedTask;
            }
        }
        return Resubscribe?.Invoke() ?? Task.CompletedTask;
    }

    private void Apply(
        IReadOnlyList<EndpointRule> endpoints, IReadOnlyList<IpCacheRule> ipcache, IReadOnlyList<PolicyEntry> policy,
        IReadOnlyList<string> endpointsRemoved, IReadOnlyList<string> ipcacheRemoved, IReadOnlyList<PolicyEntryKey> policyRemoved)
    {
        foreach (var e in endpoints)
            _endpoints[e.WorkloadId] = e;
        foreach (var i in ipcache)
            _ipcache[i.Cidr] = i.Identity;
        foreach (var p in policy)
            _policy[PolicyEntryKey.Of(p)] = (p.RuleId, p.Action);
        foreach (var k in policyRemoved)
            _policy.Remove(k);
        foreach (var c in ipcacheRemoved)
            _ipcache.Remove(c);
        foreach (var w in endpointsRemoved)
            _endpoints.Remove(w);
    }

    private void Applied(string epoch, long revision)
    {
        _epoch = epoch;
        // The watches read the dictionary under this agent's lock only through Applied, so it can be shared.
        _watches.Applied(revision, _ipcache, time.GetTimestamp());
    }

    public long Revision => _watches.Revision;

    /// <summary>Completes with the stamp of the first applied revision whose ipcache satisfies <paramref name="holds"/>.</summary>
    public Task<long> WhenAsync(Func<IReadOnlyDictionary<string, uint>, bool> holds)
    {
        lock (_gate)
            return _watches.WhenAsync(holds);
    }
}
