using Orleans;
using Orleans.Concurrency;

namespace MicroSeg.Grains.Interfaces.Policies;

/// <summary>Cluster-wide list of policies (key <see cref="GrainKeys.Cluster"/>), a persisted projection of the policy grains.</summary>
[Alias("microseg.IPolicyIndexGrain")]
public interface IPolicyIndexGrain : IGrainWithStringKey
{
    /// <summary>Records (or replaces) a policy.</summary>
    Task UpsertAsync(PolicySpec policy);

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
