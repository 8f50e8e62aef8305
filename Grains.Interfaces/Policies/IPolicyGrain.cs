using Orleans;

namespace MicroSeg.Grains.Interfaces.Policies;

/// <summary>One policy, keyed by its id.</summary>
[Alias("microseg.IPolicyGrain")]
public interface IPolicyGrain : IGrainWithStringKey
{
    /// <summary>Returns the policy, or null when it does not exist.</summary>
    Task<PolicySpec?> GetAsync();

    /// <summary>Creates the policy; returns false (and changes nothing) when it already exists.</summary>
    Task<bool> CreateAsync(PolicySpec spec);

    /// <summary>Creates or replaces the policy, persists it, and recomputes every node.</summary>
    Task SetAsync(PolicySpec spec);

    /// <summary>Removes the policy; false when it did not exist.</summary>
    Task<bool> DeleteAsync();
}
