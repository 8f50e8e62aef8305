using MicroSeg.Grains.Interfaces.Explain;
using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Interfaces.Workloads;
using MicroSeg.Grains.Nodes;
using MicroSeg.Grains.Rules;
using Orleans;
using Orleans.Concurrency;

namespace MicroSeg.Grains.Explain;

/// <summary>
/// Answers GET /api/v1/why on the silo that serves the request (a stateless worker: it reads and changes nothing).
/// The decision is <see cref="RuleEvaluator"/>'s, the same code simulations and recommendations use, applied to the
/// rules the two ends' node grains deploy, so identities and rule sources are the ones the agents report.
/// </summary>
[StatelessWorker]
internal sealed class ConnectionExplainGrain(ClusterInputsLoader inputs) : Grain, IConnectionExplainGrain
{
    public async Task<ConnectionVerdicts> ExplainAsync(ConnectionQuery query)
    {
        var current = await inputs.LoadAsync();
        var nodes = new[] { query.SourceWorkload, query.DestinationWorkload }
            .Select(id => current.Workloads.FirstOrDefault(w => w.Spec.Id == id)?.Spec.Node)
            .OfType<string>().Distinct(StringComparer.Ordinal)
            .Select(node => GrainFactory.GetGrain<INodeGrain>(node).GetRulesAsync());
        var evaluator = new RuleEvaluator(current.Model, await Task.WhenAll(nodes), current.Settings);
        return new ConnectionVerdicts(
            Side(evaluator, query.SourceWorkload, TrafficDirection.Egress, query.DestinationAddress, query),
            Side(evaluator, query.DestinationWorkload, TrafficDirection.Ingress, query.SourceAddress, query));
    }

    private static DirectionVerdict? Side(RuleEvaluator evaluator, string? workload, TrafficDirection direction, string peer, ConnectionQuery query)
    {
        if (workload is null || evaluator.Decide(workload, direction, peer, query.Protocol, query.Port) is not { } decision)
            return null;
        var verdict = decision.Verdict;
        var reason = verdict.Reason switch
        {
            "rule" => verdict.Allowed ? "policy-allow" : "policy-deny",
            "no-policy" => "default-allow",
            _ => verdict.Reason,
        };
        var rule = verdict.Reason == "rule" ? verdict.Source : null;
        // A workload in monitor mode passes what protect mode would drop, and reports it as "would deny".
        var monitor = decision.Endpoint.Mode == EnforcementMode.Monitor;
        return new DirectionVerdict(workload, direction, verdict.Allowed || monitor, reason, rule, rule?.Split('/')[0],
            decision.Endpoint.Mode, decision.RemoteIdentity, WouldDeny: !verdict.Allowed && monitor);
    }
}
