using MicroSeg.Grains.Interfaces;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Validation;
using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Nodes;
using MicroSeg.Runtime;

namespace MicroSeg.Grains.Policies;

/// <summary>Persisted state of a policy grain.</summary>
internal sealed class PolicyState
{
    public PolicySpec? Policy { get; set; }
}

/// <summary>The source of truth for one policy.</summary>
internal sealed class PolicyGrain(
    [PersistentState("policy")] IPersistentState<PolicyState> state) : Grain, IPolicyGrain
{
    public Task<PolicySpec?> GetAsync() => Task.FromResult(state.State.Policy);

    public async Task<bool> CreateAsync(PolicySpec spec)
    {
        if (state.State.Policy is not null)
            return false;
        await SetAsync(spec);
        return true;
    }

    public async Task SetAsync(PolicySpec spec)
    {
        spec = spec with { Id = GetPrimaryKeyString() };
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
        await GrainFactory.GetGrain<IPolicyIndexGrain>(GrainKeys.Cluster).RemoveAsync(GetPrimaryKeyString());
        await PolicyStreams.PublishAsync(this, before.Namespace ?? PolicyStreams.ClusterKey, new PolicyChange(PolicyBefore: before));
        DeactivateOnIdle();
        return true;
    }
}
