using MicroSeg.Grains.Common;
using MicroSeg.Grains.Interfaces;
using MicroSeg.Grains.Interfaces.Policies;
using Orleans;
using Orleans.Runtime;
using Orleans.Streams;

namespace MicroSeg.Grains.Policies;

/// <summary>Persisted state of the policy index.</summary>
[GenerateSerializer, Alias("microseg.state.PolicyIndexState")]
internal sealed class PolicyIndexState
{
    [Id(0)]
    public SortedDictionary<string, PolicySpec> Policies { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>Keeps every policy in one place for listing and for node computation.</summary>
internal sealed class PolicyIndexGrain(
    [PersistentState("policy-index")] IPersistentState<PolicyIndexState> state) : Grain, IPolicyIndexGrain
{
    private readonly VersionedList<PolicySpec> _snapshot = new(() => state.State.Policies.Values.ToList());

    public async Task UpsertAsync(PolicySpec policy)
    {
        state.State.Policies[policy.Id] = policy;
        _snapshot.Invalidate();
        await state.WriteStateAsync();
    }

    public async Task RemoveAsync(string policyId)
    {
        if (!state.State.Policies.Remove(policyId))
            return;
        _snapshot.Invalidate();
        await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<PolicySpec>> GetAllAsync() => Task.FromResult(_snapshot.Items);

    public Task<string> GetVersionAsync() => Task.FromResult(_snapshot.Version);

    public Task<IndexSnapshot<PolicySpec>> GetSnapshotAsync() => Task.FromResult(_snapshot.Snapshot);
}
