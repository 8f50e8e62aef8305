using MicroSeg.Grains.Interfaces;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Validation;
using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Nodes;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Runtime;

namespace MicroSeg.Grains.Policies;

/// <summary>Persisted state of a policy grain.</summary>
[GenerateSerializer, Alias("microseg.state.PolicyState")]
internal sealed class PolicyState
{
    [Id(0)]
    public PolicySpec? Policy { get; set; }

    /// <summary>
    /// When the policy was last written (UTC ticks; a batch's acceptance time for a batch write). Orders
    /// single writes against batches that apply later than they were accepted.
    /// </summary>
    [Id(1)]
    public long Stamp { get; set; }
}

/// <summary>The source of truth for one policy.</summary>
internal sealed partial class PolicyGrain(
    [PersistentState("policy")] IPersistentState<PolicyState> state,
    TimeProvider time,
    ILogger<PolicyGrain> logger) : Grain, IPolicyGrain
{
    public Task<PolicySpec?> GetAsync()
    {
        // A read of an id that does not exist must not leave an activation behind: random GETs
        // would otherwise hold memory until the idle collector runs (minutes).
        if (state.State.Policy is null)
            this.DeactivateOnIdle();
        return Task.FromResult(state.State.Policy);
    }

    public async Task<bool> CreateAsync(PolicySpec spec)
    {
        if (state.State.Policy is not null)
            return false;
        await SetAsync(spec);
        return true;
    }

    public async Task SetAsync(PolicySpec spec)
    {
        spec = spec with { Id = this.GetPrimaryKeyString() };
        SpecValidationException.ThrowIfAny(PolicyValidator.Validate(spec));
        var before = state.State.Policy;
        // Later than any write this grain made, including a batch accepted "in the future" of this silo's clock.
        var stamp = Math.Max(state.State.Stamp + 1, time.GetUtcNow().UtcTicks);
        state.State.Policy = spec;
        state.State.Stamp = stamp;
        await state.WriteStateAsync();
        LogStored(spec.Id, spec.Namespace ?? "", before is null ? "created" : "updated");
        await GrainFactory.GetGrain<IPolicyIndexGrain>(GrainKeys.Cluster).UpsertAsync(spec, stamp);
        await PolicyStreams.PublishAsync(this, spec.Namespace ?? PolicyStreams.ClusterKey, new PolicyChange(PolicyBefore: before, PolicyAfter: spec));
    }

    public async Task<bool> ApplyBatchAsync(PolicySpec spec, long batchStamp)
    {
        // The batch validated every policy before it was accepted; validating again here could only
        // strand an accepted batch that no retry can finish.
        if (state.State.Stamp > batchStamp || (state.State.Stamp == batchStamp && state.State.Policy is not null))
            return false;
        state.State.Policy = spec with { Id = this.GetPrimaryKeyString() };
        state.State.Stamp = batchStamp;
        await state.WriteStateAsync();
        LogStoredFromBatch(this.GetPrimaryKeyString(), spec.Namespace ?? "", batchStamp);
        return true;
    }

    public async Task<bool> DeleteAsync()
    {
        if (state.State.Policy is not { } before)
            return false;
        await state.ClearStateAsync();
        state.State = new PolicyState();
        LogDeleted(this.GetPrimaryKeyString(), before.Namespace ?? "");
        await GrainFactory.GetGrain<IPolicyIndexGrain>(GrainKeys.Cluster).RemoveAsync(this.GetPrimaryKeyString());
        await PolicyStreams.PublishAsync(this, before.Namespace ?? PolicyStreams.ClusterKey, new PolicyChange(PolicyBefore: before));
        this.DeactivateOnIdle();
        return true;
    }
}
