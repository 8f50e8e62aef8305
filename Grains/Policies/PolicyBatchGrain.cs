using MicroSeg.Grains.Interfaces;
using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Validation;
using MicroSeg.Grains.Nodes;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Runtime;

namespace MicroSeg.Grains.Policies;

/// <summary>Persisted state of a policy batch: the whole batch as one record, until it is applied.</summary>
[GenerateSerializer, Alias("microseg.state.PolicyBatchState")]
internal sealed class PolicyBatchState
{
    [Id(0)]
    public PolicyBatchPhase Phase { get; set; }

    /// <summary>Acceptance time (UTC ticks): the write stamp of every policy of the batch.</summary>
    [Id(1)]
    public long Stamp { get; set; }

    /// <summary>The batch, in request order; emptied once applied (the count stays).</summary>
    [Id(2)]
    public List<PolicySpec> Policies { get; set; } = [];

    [Id(3)]
    public int Count { get; set; }
}

/// <summary>
/// Applies one accepted batch of policies by rolling forward: index (one write, all or nothing for its
/// readers), one fan-out to every node, then each policy grain. Each step is idempotent, so a batch
/// interrupted anywhere is resumed from the start of the apply by its next activation or its reminder.
/// </summary>
internal sealed partial class PolicyBatchGrain(
    [PersistentState("policy-batch")] IPersistentState<PolicyBatchState> state,
    TimeProvider time,
    ILogger<PolicyBatchGrain> logger) : Grain, IPolicyBatchGrain, IRemindable
{
    /// <summary>Safety net for a batch whose silo died: the reminder activates it elsewhere. Orleans' minimum period.</summary>
    internal static readonly TimeSpan ResumePeriod = TimeSpan.FromMinutes(1);

    /// <summary>Delay before a failed apply (storage or a silo briefly unavailable) is tried again.</summary>
    internal static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);

    /// <summary>Policy grain writes in flight at once: enough to fill SQLite's group commit, few enough not to flood a silo.</summary>
    private const int ApplyParallelism = 256;

    private const string ResumeReminder = "resume";

    private readonly SortedDictionary<int, IReadOnlyList<PolicySpec>> _staged = [];
    private IGrainTimer? _apply;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A batch found accepted on activation was interrupted (deactivation, dead silo): finish it.
        if (state.State.Phase == PolicyBatchPhase.Accepted)
            ScheduleApply(TimeSpan.Zero);
        return Task.CompletedTask;
    }

    public Task StageAsync(int chunk, IReadOnlyList<PolicySpec> policies)
    {
        if (state.State.Phase != PolicyBatchPhase.None)
            throw new InvalidOperationException($"policy batch {this.GetPrimaryKeyString()} is already committed.");
        if (chunk < 0 || policies.Count > IPolicyBatchGrain.ChunkSize)
            throw new ArgumentOutOfRangeException(nameof(chunk), $"chunk {chunk} with {policies.Count} policies: chunks are numbered from 0 and hold at most {IPolicyBatchGrain.ChunkSize}.");
        _staged[chunk] = policies;
        return Task.CompletedTask;
    }

    public async Task<PolicyBatchStatus> CommitAsync(int chunkCount)
    {
        if (state.State.Phase != PolicyBatchPhase.None)
            return Status;
        if (chunkCount < 1 || Enumerable.Range(0, chunkCount).Any(i => !_staged.ContainsKey(i)) || _staged.Count != chunkCount)
            return new PolicyBatchStatus(PolicyBatchPhase.None, 0, Staged: false);

        var policies = _staged.Values.SelectMany(c => c).ToList();
        SpecValidationException.ThrowIfAny(Validate(policies));

        // The reminder goes first: a crash right after the record is written must still find a way back here.
        await this.RegisterOrUpdateReminder(ResumeReminder, ResumePeriod, ResumePeriod);
        state.State = new PolicyBatchState
        {
            Phase = PolicyBatchPhase.Accepted,
            Stamp = time.GetUtcNow().UtcTicks,
            Policies = policies,
            Count = policies.Count,
        };
        await state.WriteStateAsync();
        _staged.Clear();
        LogAccepted(this.GetPrimaryKeyString(), policies.Count);
        ScheduleApply(TimeSpan.Zero);
        return Status;
    }

    public Task<PolicyBatchStatus> GetStatusAsync() => Task.FromResult(Status);

    public Task<IReadOnlyList<PolicySpec>> GetChunkAsync(int chunk)
    {
        var policies = state.State.Policies;
        var start = Math.Min(chunk * IPolicyBatchGrain.ChunkSize, policies.Count);
        return Task.FromResult<IReadOnlyList<PolicySpec>>(policies.GetRange(start, Math.Min(IPolicyBatchGrain.ChunkSize, policies.Count - start)));
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (state.State.Phase == PolicyBatchPhase.Accepted)
            ScheduleApply(TimeSpan.Zero);
        else if (await this.GetReminder(reminderName) is { } reminder)
            await this.UnregisterReminder(reminder);
    }

    private PolicyBatchStatus Status => new(state.State.Phase, state.State.Count);

    private static List<ValidationError> Validate(List<PolicySpec> policies)
    {
        var errors = new List<ValidationError>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < policies.Count; i++)
        {
            errors.AddRange(PolicyValidator.Validate(policies[i]).Select(e => e with { Field = $"documents[{i}].{e.Field}" }));
            if (!seen.Add(policies[i].Id))
                errors.Add(new ValidationError($"documents[{i}].id", $"policy '{policies[i].Id}' appears twice in this batch."));
        }
        return errors;
    }

    private void ScheduleApply(TimeSpan due)
    {
        _apply?.Dispose();
        _apply = this.RegisterGrainTimer(ApplyAsync, due, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Rolls the accepted batch forward. Runs as a grain turn (timers do not interleave).</summary>
    private async Task ApplyAsync(CancellationToken cancellationToken)
    {
        if (state.State.Phase != PolicyBatchPhase.Accepted)
            return;
        var batch = state.State;
        var chunks = (batch.Policies.Count + IPolicyBatchGrain.ChunkSize - 1) / IPolicyBatchGrain.ChunkSize;
        try
        {
            await GrainFactory.GetGrain<IPolicyIndexGrain>(GrainKeys.Cluster)
                .ApplyBatchAsync(this.AsReference<IPolicyBatchGrain>(), chunks, batch.Stamp);
            // Node grains are level-triggered: one "recompute" per node for the whole batch is enough,
            // they read the index (which now holds all of it), not the event.
            await PolicyStreams.PublishAsync(this, PolicyStreams.ClusterKey, new PolicyChange(AllNodes: true));
            await Parallel.ForEachAsync(batch.Policies, new ParallelOptions { MaxDegreeOfParallelism = ApplyParallelism, TaskScheduler = TaskScheduler.Current },
                async (policy, _) => await GrainFactory.GetGrain<IPolicyGrain>(policy.Id).ApplyBatchAsync(policy, batch.Stamp));

            state.State = new PolicyBatchState { Phase = PolicyBatchPhase.Applied, Stamp = batch.Stamp, Count = batch.Count };
            await state.WriteStateAsync();
            if (await this.GetReminder(ResumeReminder) is { } reminder)
                await this.UnregisterReminder(reminder);
            LogApplied(this.GetPrimaryKeyString(), batch.Count);
            this.DeactivateOnIdle();
        }
        catch (Exception ex)
        {
            // Every step is idempotent, so the whole apply runs again; the reminder covers a silo that dies.
            LogApplyFailed(ex, this.GetPrimaryKeyString(), RetryDelay);
            ScheduleApply(RetryDelay);
        }
    }
}
