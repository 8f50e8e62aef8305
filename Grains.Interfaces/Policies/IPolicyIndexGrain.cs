using Orleans;
using Orleans.Concurrency;

namespace MicroSeg.Grains.Interfaces.Policies;

/// <summary>Cluster-wide list of policies (key <see cref="GrainKeys.Cluster"/>), a persisted projection of the policy grains.</summary>
[Alias("microseg.IPolicyIndexGrain")]
public interface IPolicyIndexGrain : IGrainWithStringKey
{
    /// <summary>
    /// Records (or replaces) a policy written with write stamp <paramref name="stamp"/> (UTC ticks, growing per
    /// policy); ignored when the index holds a later write of that policy.
    /// </summary>
    Task UpsertAsync(PolicySpec policy, long stamp);

    /// <summary>
    /// Records every policy of the committed batch <paramref name="batch"/> (read back chunk by chunk) in one
    /// persisted write, so readers of the index see all of the batch or none of it. Policies the index holds a
    /// later write of (stamp above <paramref name="batchStamp"/>) are left as they are.
    /// </summary>
    Task ApplyBatchAsync(IPolicyBatchGrain batch, int chunkCount, long batchStamp);

    /// <summary>The ids among <paramref name="policyIds"/> that the index holds.</summary>
    [AlwaysInterleave]
    Task<IReadOnlyList<string>> FindExistingAsync(IReadOnlyList<string> policyIds);

    /// <summary>Forgets a policy; no-op when unknown.</summary>
    Task RemoveAsync(string policyId);

    /// <summary>Every policy, ordered by id.</summary>
    [AlwaysInterleave]
    Task<IReadOnlyList<PolicySpec>> GetAllAsync();

    /// <summary>The version of the current content: equal versions mean equal content, across activations too.</summary>
    Task<string> GetVersionAsync();

    /// <summary>The current content and its version, read together.</summary>
    Task<IndexSnapshot<PolicySpec>> GetSnapshotAsync();
}
