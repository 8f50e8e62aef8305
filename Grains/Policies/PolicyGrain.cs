using MicroSeg.Grains.Interfaces;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Validation;
using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Nodes;
using Orleans;
using Orleans.Runtime;
using Orleans.Streams;

namespace MicroSeg.Grains.Policies;

/// <summary>Persisted state of a policy grain.</summary>
[GenerateSerializer, Alias("microseg.state.PolicyState")]
internal sealed class PolicyState
{
    [Id(0)]
    public PolicySpec? Policy { get; set; }
}

/// <summary>The source of truth for one policy.</summary>
internal sealed class PolicyGrain(
    [PersistentState("policy")] IPersistentState<PolicyState> state) : Grain, IPolicyGrain
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
        state.State.Policy = spec;
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IPolicyIndexGrain>(GrainKeys.Cluster).UpsertAsync(spec);
        await PolicyStreams.PublishAsync(this, spec.Namespace ?? PolicyStreams.ClusterKey, new PolicyChange(PolicyBefore: before, PolicyAfter: spec));
    }

    public async Task<bool> DeleteAsync()
    {
        if (state.State.Policy is not { } before)
            return false;
        await state.ClearStateAsync();
        state.State = new PolicyState();
        await GrainFactory.GetGrain<IPolicyIndexGrain>(GrainKeys.Cluster).RemoveAsync(this.GetPrimaryKeyString());
        await PolicyStreams.PublishAsync(this, before.Namespace ?? PolicyStreams.ClusterKey, new PolicyChange(PolicyBefore: before));
        this.DeactivateOnIdle();
        return true;
    }
}
