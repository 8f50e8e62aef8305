using MicroSeg.Grains.Interfaces.Settings;
using MicroSeg.Grains.Interfaces.Validation;
using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Nodes;
using Orleans;
using Orleans.Runtime;
using Orleans.Streams;

namespace MicroSeg.Grains.Settings;

/// <summary>Persisted state of the enforcement settings.</summary>
[GenerateSerializer, Alias("microseg.state.EnforcementSettingsState")]
internal sealed class EnforcementSettingsState
{
    [Id(0)]
    public EnforcementSettings Settings { get; set; } = new();
}

/// <summary>Stores the cluster default mode and the label-group modes.</summary>
internal sealed class EnforcementSettingsGrain(
    [PersistentState("enforcement")] IPersistentState<EnforcementSettingsState> state) : Grain, IEnforcementSettingsGrain
{
    public Task<EnforcementSettings> GetAsync() => Task.FromResult(state.State.Settings);

    public async Task SetAsync(EnforcementSettings settings)
    {
        SpecValidationException.ThrowIfAny(SettingsValidator.Validate(settings));
        state.State.Settings = settings;
        await state.WriteStateAsync();
        await PolicyStreams.PublishAsync(this, PolicyStreams.ClusterKey, new PolicyChange(AllNodes: true));
    }
}
