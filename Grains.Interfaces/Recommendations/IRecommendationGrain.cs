using Orleans;

namespace MicroSeg.Grains.Interfaces.Recommendations;

/// <summary>One recommendation, keyed by its id; persisted once computed, so it survives restarts.</summary>
[Alias("microseg.IRecommendationGrain")]
public interface IRecommendationGrain : IGrainWithStringKey
{
    /// <summary>
    /// Computes the recommendation from the flow history and the current workloads, persists it and returns it.
    /// Returns the stored one, unchanged, when this id was computed already.
    /// </summary>
    Task<Recommendation> CreateAsync(RecommendationRequest request, string createdBy);

    /// <summary>The recommendation, or null when none has this id.</summary>
    Task<Recommendation?> GetAsync();

    /// <summary>Records that provision <paramref name="version"/> made it active; returns it as stored.</summary>
    Task<Recommendation> MarkProvisionedAsync(long version);
}
