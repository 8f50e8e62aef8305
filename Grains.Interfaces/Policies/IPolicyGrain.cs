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

    /// <summary>
    /// Writes the policy as part of the accepted batch stamped <paramref name="batchStamp"/>, without touching the
    /// index or the nodes (the batch does both once for all its policies). Skips the write when this grain holds a
    /// later write (a PUT or a batch accepted after this one), so a batch that resumes late never undoes newer
    /// changes; rewriting the same batch is a no-op. Returns true when it wrote.
    /// </summary>
    Task<bool> ApplyBatchAsync(PolicySpec spec, long batchStamp);

    /// <summary>Removes the policy; false when it did not exist.</summary>
    Task<bool> DeleteAsync();
}
