using MicroSeg.Grains.Interfaces.Simulations;
using MicroSeg.Grains.Nodes;
using MicroSeg.Grains.Recommendations;
using MicroSeg.Grains.Rules;
using Orleans;
using Orleans.Concurrency;

namespace MicroSeg.Grains.Simulations;

/// <summary>
/// Runs what-ifs on the silo that serves the request (a stateless worker: a replay is CPU work over a snapshot
/// and changes nothing). Today's rules come from the same shared model the node grains compile from.
/// </summary>
[StatelessWorker]
internal sealed class SimulationGrain(ClusterInputsLoader inputs) : Grain, ISimulationGrain
{
    /// <summary>Most flow records one simulation replays.</summary>
    public const int MaxFlows = RecommendationEngine.MaxFlows;

    public async Task<SimulationResult> SimulateAsync(SimulationRequest request)
    {
        var current = await inputs.LoadAsync();
        var (flows, truncated) = await FlowWindow.ReadAsync(GrainFactory, request.Namespace, request.Since, request.Until, MaxFlows);
        // As if provisioned: each simulated policy replaces the policy of its id, and is in force (not a draft).
        var replaced = request.Policies.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
        var policies = current.Policies.Where(p => !replaced.Contains(p.Id))
            .Concat(request.Policies.Select(p => p with { Draft = false }))
            .OrderBy(p => p.Id, StringComparer.Ordinal).ToList();
        var simulated = new ClusterRuleModel(current.Workloads, policies, current.Model.Scope.Namespaces);
        return FlowReplay.Run(flows, new RuleEvaluator(current.Model, current.Settings), new RuleEvaluator(simulated, current.Settings),
            Math.Clamp(request.Examples, 0, 100), truncated);
    }
}
