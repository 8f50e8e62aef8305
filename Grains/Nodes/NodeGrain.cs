using System.Diagnostics;
using MicroSeg.Grains.Interfaces;
using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Rules;
using Orleans;
using Orleans.Runtime;
using Orleans.Streams;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MicroSeg.Grains.Nodes;

/// <summary>Persisted state of a node grain: the revision lineage and the stable numbers of its rules.</summary>
[GenerateSerializer, Alias("microseg.state.NodeState")]
internal sealed class NodeState
{
    [Id(0)]
    public string Epoch { get; set; } = "";

    /// <summary>The revision of <see cref="ContentHash"/> when last written; exact only when <see cref="Clean"/>.</summary>
    [Id(1)]
    public long Revision { get; set; }

    [Id(2)]
    public string ContentHash { get; set; } = "";

    /// <summary>Revisions up to this one may have been handed out: a restart after a crash resumes above it.</summary>
    [Id(3)]
    public long Reserved { get; set; }

    /// <summary>Written by a clean deactivation: <see cref="Revision"/> is the last one handed out, for <see cref="ContentHash"/>.</summary>
    [Id(4)]
    public bool Clean { get; set; }

    [Id(5)]
    public NodeIdAllocations Ids { get; set; } = new();

    /// <summary>The agent's hold an operator accepted (<see cref="ControlPlaneHold.Id"/>); sent with every snapshot.</summary>
    [Id(6)]
    public string? AcceptedHold { get; set; }
}

/// <summary>
/// Holds the desired data-plane state of one node and pushes it, versioned, to the node's agent.
/// Level-triggered: every push is a full snapshot, so a lost push is repaired by the next one or
/// by the agent's periodic re-subscription.
/// </summary>
internal sealed partial class NodeGrain(
    [PersistentState("node")] IPersistentState<NodeState> state,
    [FromKeyedServices(NodeGrain.ClockKey)] TimeProvider time,
    ClusterInputsLoader inputsLoader,
    ClusterIdentity cluster,
    ILogger<NodeGrain> logger) : Grain, INodeGrain
{
    /// <summary>
    /// Key of the clock node grains read (Orleans' catch-all keyed clock by default): tests age agents by
    /// moving this clock without moving the silo's own timers.
    /// </summary>
    public const string ClockKey = "microseg.nodes";

    /// <summary>An agent that has not subscribed or acknowledged for this long is shown as disconnected.</summary>
    internal static readonly TimeSpan AgentTimeout = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Every node recomputes this often whatever it was told: a change whose notification was lost
    /// (or a fan-out that missed a node) leaves a node wrong for at most this long.
    /// </summary>
    internal static readonly TimeSpan ReconcilePeriod = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Changes that arrive within this window of a computation are computed and pushed together; a change
    /// to a node that has not computed for this long is computed at once (an isolated change waits for nothing).
    /// </summary>
    internal static readonly TimeSpan RecomputeDelay = TimeSpan.FromMilliseconds(10);

    private long _lastComputed;

    private NodeSnapshot? _current;
    private CompiledRules? _compiled;
    private ClusterInputs? _inputs;
    private bool _dirty = true;
    // What the scheduled computation must include: the fan-outs' snapshots, or a read after the request.
    private readonly List<ClusterInputVersions> _bases = [];
    private bool _readAnew;
    private IGrainTimer? _scheduled;
    private INodeRulesObserver? _agent;
    private NodeSnapshot? _pushed;
    private volatile INodeRulesObserver? _failedAgent;
    private DateTimeOffset? _lastSeen;
    private NodeAck? _lastAck;
    private long? _appliedRevision;
    private Task _pushes = Task.CompletedTask;
    // Base revisions of the deltas on their way to the agent (pushes finish outside the grain's turns).
    private readonly HashSet<long> _pushingFrom = [];
    private readonly NodeRevisions _revisions = new(state);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        this.RegisterGrainTimer(_ =>
        {
            ExpireSilentAgent();
            return ComputeAsync();
        }, FirstReconcile(), ReconcilePeriod);
        if (state.State.Epoch.Length == 0)
        {
            state.State.Epoch = Guid.NewGuid().ToString("N");
            await state.WriteStateAsync();
        }
        _revisions.Resume();
    }

    /// <summary>
    /// When the first periodic reconcile runs: somewhere in the second half of a period. Node grains activate
    /// together (their agents subscribe together after a silo start); with one due time their reconciles would
    /// stay in step and hit the silo as one burst every period, stalling whatever change arrives with it.
    /// </summary>
    internal static TimeSpan FirstReconcile(double? sample = null) => ReconcilePeriod * (0.5 + 0.5 * (sample ?? Random.Shared.NextDouble()));

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => _revisions.CloseAsync();

    public async Task<NodeRules?> SubscribeAsync(INodeRulesObserver agent, NodeAck? applied = null)
    {
        DropFailedAgent();
        if (_agent is null)
            LogAgentSubscribed(this.GetPrimaryKeyString());
        var known = agent.Equals(_agent);
        if (!known)
        {
            // Once per agent this activation holds, not with every heartbeat: a node deleted while its agent was away
            // is listed again when the agent comes back (as a new agent), and the index stays out of the heartbeats'
            // path. Before the agent is taken, so that a failed add is tried again by its next subscription.
            await GrainFactory.GetGrain<INodeIndexGrain>(GrainKeys.Cluster).AddAsync(this.GetPrimaryKeyString());
            lock (_pushingFrom)
                _pushingFrom.Clear();
        }
        _agent = agent;
        _lastSeen = time.GetUtcNow();
        // The agent holds (or gets, as the answer) the current state, including every change made before it
        // asked (a fan-out still on its way may not have reached this grain); the next change goes out as a delta from it.
        var rules = await FreshAsync();
        _pushed = _current;
        // A holding agent's heartbeat is its alarm: record it, and keep offering the state (it carries the
        // operator's acceptance once there is one).
        if (applied is { Hold: not null })
            await AcknowledgeAsync(applied);
        if (applied is not { Error: null, Hold: null } || applied.Epoch != rules.Epoch)
            return rules;
        // A heartbeat that crosses a change finds the agent one revision behind while the delta from that revision is
        // on its way to it: the delta brings it up to date, a snapshot (the node's every entry) would only cost both
        // sides. Any other gap gets the snapshot.
        if (applied.Revision != rules.Revision && !(known && IsPushingFrom(applied.Revision)))
            return rules;
        await AcknowledgeAsync(applied);
        return null;
    }

    /// <summary>Whether a delta whose base is <paramref name="revision"/> is being pushed to the current agent.</summary>
    private bool IsPushingFrom(long revision)
    {
        lock (_pushingFrom)
            return _pushingFrom.Contains(revision);
    }

    public Task AcknowledgeAsync(NodeAck ack)
    {
        // An acknowledgement of a revision this node never handed out is forged or corrupt: recording it would show
        // "applied" for rules no agent holds, and a future revision would stick as applied.
        if (ack.Epoch == state.State.Epoch && ack.Revision > _revisions.Current)
        {
            LogForgedAck(this.GetPrimaryKeyString(), ack.Revision, _revisions.Current);
            throw new ArgumentOutOfRangeException(nameof(ack), ack.Revision,
                $"node '{this.GetPrimaryKeyString()}' never issued revision {ack.Revision} (its latest is {_revisions.Current}).");
        }
        _lastSeen = time.GetUtcNow();
        if (ack.Hold is { } hold && _lastAck?.Hold?.Id != hold.Id)
            LogAgentHolds(this.GetPrimaryKeyString(), hold.Reason, hold.AppliedClusterIdentity, hold.OfferedClusterIdentity, hold.AppliedEntries, hold.OfferedEntries);
        _lastAck = ack;
        if (ack.Epoch == state.State.Epoch && ack.Error is null && ack.Hold is null)
            _appliedRevision = Math.Max(_appliedRevision ?? 0, ack.Revision);
        if (ack.Error is not null)
            LogAgentError(this.GetPrimaryKeyString(), ack.Revision, ack.Error);
        return Task.CompletedTask;
    }

    public Task RecomputeAsync(ClusterInputVersions? basis = null)
    {
        // Mark and schedule rather than compute in the caller's chain: a burst of changes (a bulk
        // registration, a namespace relabel) costs one computation per node, and the REST call that
        // caused it does not wait for every node. Reads below still see the latest state.
        _dirty = true;
        if (basis is null)
            _readAnew = true;
        else if (!_bases.Contains(basis))
            _bases.Add(basis);
        _scheduled ??= this.RegisterGrainTimer(async _ =>
        {
            _scheduled?.Dispose();
            _scheduled = null;
            if (_dirty)
                await ComputeAsync(await ScheduledInputsAsync());
        }, Stopwatch.GetElapsedTime(_lastComputed) < RecomputeDelay ? RecomputeDelay : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        return Task.CompletedTask;
    }

    /// <summary>Inputs for a scheduled computation: the snapshot the fan-outs read (shared on this silo) unless a fresh read was asked for.</summary>
    private Task<ClusterInputs> ScheduledInputsAsync()
    {
        var bases = _readAnew ? [] : _bases.ToArray();
        _readAnew = false;
        _bases.Clear();
        return inputsLoader.LoadIncludingAsync(bases);
    }

    public Task<NodeRules> GetRulesAsync() => FreshAsync();

    public async Task<NodeStatus> GetStatusAsync()
    {
        DropFailedAgent();
        ExpireSilentAgent();
        var rules = await FreshAsync();
        var connected = _agent is not null;
        return new NodeStatus(this.GetPrimaryKeyString(), connected, rules.Revision, _appliedRevision, _lastSeen,
            rules.Endpoints.Count, rules.Policy.Count, _lastAck, _lastAck?.Hold, _lastAck?.Monitor);
    }

    public async Task<ControlPlaneHold?> AcceptControlPlaneAsync()
    {
        if (_lastAck?.Hold is not { } hold)
            return null;
        LogHoldAccepted(this.GetPrimaryKeyString(), hold.Id, hold.Reason);
        state.State.AcceptedHold = hold.Id;
        await state.WriteStateAsync();
        // The next snapshot (the holding agent asks for one with every heartbeat) carries the acceptance.
        _dirty = true;
        return hold;
    }

    /// <summary>
    /// Read-your-writes for operators and subscribing agents: a change reaches this grain through the policy-change stream
    /// after the REST call that made it returned, so readers compare the cluster snapshots instead of
    /// waiting for it (a status that says "applied = desired" then means the change is on the node).
    /// </summary>
    private async Task<NodeRules> FreshAsync()
    {
        var inputs = await inputsLoader.LoadAsync();
        return _dirty || _current is null || !inputs.SameAs(_inputs) ? await ComputeAsync(inputs) : _current.Rules;
    }

    /// <summary>Computes the desired state; when its content changed, persists the new revision and pushes it to the agent.</summary>
    private async Task<NodeRules> ComputeAsync(ClusterInputs? inputs = null)
    {
        _dirty = false;
        _lastComputed = Stopwatch.GetTimestamp();
        inputs ??= await inputsLoader.LoadAsync();
        _inputs = inputs;
        var compiled = _compiled = NodeRuleCompiler.Compile(this.GetPrimaryKeyString(), inputs.Model, state.State.Ids, inputs.Settings, _compiled);
        var hash = RulesHash.Of(compiled);
        // A new revision is reserved in storage before anyone can see it, so revisions only ever grow.
        if (await _revisions.AdvanceAsync(hash))
            LogRecomputed(this.GetPrimaryKeyString(), _revisions.Current, compiled.Endpoints.Length, compiled.Policy.Count);
        var before = _current?.Rules.Revision;
        var rules = new NodeRules(this.GetPrimaryKeyString(), state.State.Epoch, _revisions.Current,
            compiled.Endpoints, compiled.IpCache, compiled.Policy, cluster.ToString(), state.State.AcceptedHold);
        _current = new NodeSnapshot(rules, compiled.PolicySlices, compiled.IpCacheTable);
        DropFailedAgent();
        if (before is not null && before != rules.Revision && _agent is { } agent)
            Push(agent, _current);
        return rules;
    }

    private void Push(INodeRulesObserver agent, NodeSnapshot snapshot)
    {
        var rules = snapshot.Rules;
        // Send what changed since the last state sent to this agent; a full snapshot when there is no
        // such base. An agent holding anything else than the delta's base re-subscribes for a snapshot.
        var basis = _pushed;
        _pushed = snapshot;
        var delta = basis is not null && basis.Rules.Epoch == rules.Epoch && basis.Rules.Revision < rules.Revision
            ? NodeDeltaBuilder.Between(basis, snapshot)
            : null;

        // Pushes leave the grain's turn (an agent may take a while to program its maps) but stay in
        // order; a failed push drops the agent until it subscribes again.
        if (delta is not null)
        {
            lock (_pushingFrom)
                _pushingFrom.Add(delta.BaseRevision);
        }
        _pushes = _pushes.ContinueWith(async _ =>
        {
            try
            {
                await (delta is null ? agent.OnRulesAsync(rules) : agent.OnDeltaAsync(delta));
            }
            catch (Exception ex)
            {
                // This runs outside the grain's turn: only record the failure; the next turn acts on it.
                LogPushFailed(ex, rules.Node, rules.Revision);
                _failedAgent = agent;
            }
            finally
            {
                if (delta is not null)
                {
                    lock (_pushingFrom)
                        _pushingFrom.Remove(delta.BaseRevision);
                }
            }
        }, TaskScheduler.Current).Unwrap();
    }

    /// <summary>
    /// Forgets an agent that has neither subscribed nor acknowledged within <see cref="AgentTimeout"/>: its
    /// observer may belong to a client that is gone, and pushes to it would only wait for a timeout. A live
    /// agent re-subscribes every few seconds and gets the current snapshot then.
    /// </summary>
    private void ExpireSilentAgent()
    {
        if (_agent is null || (_lastSeen is { } seen && time.GetUtcNow() - seen < AgentTimeout))
            return;
        LogAgentExpired(this.GetPrimaryKeyString(), _lastSeen);
        _agent = null;
        _pushed = null;
    }

    /// <summary>Forgets the agent if a push to it failed (it re-subscribes when it is back); true when it did.</summary>
    private bool DropFailedAgent()
    {
        if (_failedAgent is not { } failed)
            return false;
        _failedAgent = null;
        if (!ReferenceEquals(_agent, failed))
            return false;
        _agent = null;
        _pushed = null;
        return true;
    }

    [LoggerMessage(EventId = 2009, Level = LogLevel.Warning, Message = "Node {Node}: agent silent since {LastSeen}; dropped until it subscribes again")]
    private partial void LogAgentExpired(string node, DateTimeOffset? lastSeen);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Node {Node}: agent subscribed")]
    private partial void LogAgentSubscribed(string node);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Node {Node}: revision {Revision} with {Endpoints} endpoints and {Entries} policy entries")]
    private partial void LogRecomputed(string node, long revision, int endpoints, int entries);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Node {Node}: push of revision {Revision} failed")]
    private partial void LogPushFailed(Exception ex, string node, long revision);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Warning, Message = "Node {Node}: agent keeps its last applied state and waits for an operator ({Reason}): applied cluster identity '{AppliedIdentity}' with {AppliedEntries} entries, offered '{OfferedIdentity}' with {OfferedEntries}; accept with POST /api/v1/nodes/{Node}/accept")]
    private partial void LogAgentHolds(string node, string reason, string appliedIdentity, string offeredIdentity, long appliedEntries, long offeredEntries);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Warning, Message = "Node {Node}: operator accepted the held state {Hold} ({Reason})")]
    private partial void LogHoldAccepted(string node, string hold, string reason);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Warning, Message = "Node {Node}: refused an acknowledgement of revision {Revision}, never issued (latest {Latest})")]
    private partial void LogForgedAck(string node, long revision, long latest);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "Node {Node}: agent failed to apply revision {Revision}: {Error}")]
    private partial void LogAgentError(string node, long revision, string error);
}
