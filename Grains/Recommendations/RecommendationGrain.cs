using MicroSeg.Grains.Interfaces;
using MicroSeg.Grains.Interfaces.Recommendations;
using MicroSeg.Grains.Interfaces.Workloads;
using Orleans;
using Orleans.Runtime;

namespace MicroSeg.Grains.Recommendations;

/// <summary>Persisted state of a recommendation: the whole result, once computed.</summary>
[GenerateSerializer, Alias("microseg.state.RecommendationState")]
internal sealed class RecommendationState
{
    [Id(0)]
    public Recommendation? Recommendation { get; set; }
}

/// <summary>Computes a recommendation once (<see cref="RecommendationEngine"/>), persists it before answering, and keeps it.</summary>
internal sealed class RecommendationGrain(
    [PersistentState("recommendation")] IPersistentState<RecommendationState> state,
    TimeProvider time) : Grain, IRecommendationGrain
{
    public async Task<Recommendation> CreateAsync(RecommendationRequest request, string createdBy)
    {
        if (state.State.Recommendation is { } existing)
            return existing;
        var workloads = await GrainFactory.GetGrain<IWorkloadIndexGrain>(GrainKeys.Cluster).GetAllAsync();
        var (flows, truncated) = await FlowWindow.ReadAsync(GrainFactory, request.Namespace, request.Since, request.Until, RecommendationEngine.MaxFlows);
        var proposed = RecommendationEngine.Propose(flows, workloads.Select(w => w.Spec).ToList(), request, truncated);
        var recommendation = new Recommendation(this.GetPrimaryKeyString(), time.GetUtcNow(), createdBy, request,
            proposed.Policies, proposed.Explanations, proposed.Coverage);
        state.State.Recommendation = recommendation;
        await state.WriteStateAsync();
        return recommendation;
    }

    public Task<Recommendation?> GetAsync()
    {
        // A lookup of an id that does not exist leaves nothing behind (random GETs cost no memory).
        if (state.State.Recommendation is null)
            DeactivateOnIdle();
        return Task.FromResult(state.State.Recommendation);
    }

    public async Task<Recommendation> MarkProvisionedAsync(long version)
    {
        var current = state.State.Recommendation
            ?? throw new InvalidOperationException($"recommendation {this.GetPrimaryKeyString()} does not exist.");
        state.State.Recommendation = current with { Status = Recommendation.ProvisionedStatus, ProvisionedVersion = version };
        await state.WriteStateAsync();
        return state.State.Recommendation;
    }
}
