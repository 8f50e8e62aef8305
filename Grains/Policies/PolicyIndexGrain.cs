using MicroSeg.Grains.Common;
using MicroSeg.Grains.Interfaces;
using MicroSeg.Grains.Interfaces.Policies;
using Orleans;
using Orleans.Runtime;

namespace MicroSeg.Grains.Policies;

/// <summary>Persisted state of the policy index.</summary>
[GenerateSerializer, Alias("microseg.state.PolicyIndexState")]
internal sealed class PolicyIndexState
{
    [Id(0)]
    public SortedDictionary<string, PolicySpec> Policies { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Write stamp of each policy held: a write older than the one held is stale and ignored.</summary>
    [Id(1)]
    public Dictionary<string, long> Stamps { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>Keeps every policy in one place for listing and for node computation.</summary>
internal sealed class PolicyIndexGrain(
    [PersistentState("policy-index")] IPersistentState<PolicyIndexState> state) : Grain, IPolicyIndexGrain
{
    private readonly VersionedList<PolicySpec> _snapshot = new(() => state.State.Policies.Values.ToList());

    public async Task UpsertAsync(PolicySpec policy, long stamp)
    {
        if (!Record(policy, stamp))
            return;
        _snapshot.Invalidate();
        await state.WriteStateAsync();
    }

    public async Task ApplyBatchAsync(IPolicyBatchGrain batch, int chunkCount, long batchStamp)
    {
        // Everything is read before anything changes, and the whole batch becomes visible with one new
        // version and one storage write: no reader of the index sees part of a batch.
        var chunks = new List<IReadOnlyList<PolicySpec>>(chunkCount);
        for (var i = 0; i < chunkCount; i++)
            chunks.Add(await batch.GetChunkAsync(i));
        var changed = false;
        foreach (var policy in chunks.SelectMany(c => c))
            changed |= Record(policy, batchStamp);
        if (!changed)
            return;
        _snapshot.Invalidate();
        await state.WriteStateAsync();
    }

    public async Task RemoveAsync(string policyId)
    {
        if (!state.State.Policies.Remove(policyId))
            return;
        state.State.Stamps.Remove(policyId);
        _snapshot.Invalidate();
        await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<string>> FindExistingAsync(IReadOnlyList<string> policyIds) =>
        Task.FromResult<IReadOnlyList<string>>(policyIds.Where(state.State.Policies.ContainsKey).ToList());

    public Task<IReadOnlyList<PolicySpec>> GetAllAsync() => Task.FromResult(_snapshot.Items);

    public Task<string> GetVersionAsync() => Task.FromResult(_snapshot.Version);

    public Task<IndexSnapshot<PolicySpec>> GetSnapshotAsync() => Task.FromResult(_snapshot.Snapshot);

    /// <summary>Takes <paramref name="policy"/> unless a later write of it is held; true when it did.</summary>
    private bool Record(PolicySpec policy, long stamp)
    {
        if (state.State.Stamps.TryGetValue(policy.Id, out var held) && held > stamp)
            return false;
        state.State.Stamps[policy.Id] = stamp;
        state.State.Policies[policy.Id] = policy;
        return true;
    }
}
