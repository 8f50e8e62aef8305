using MicroSeg.Grains.Interfaces.Flows;
using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Nodes;
using Microsoft.Extensions.Logging;
using Orleans;

namespace MicroSeg.Grains.Flows;

/// <summary>
/// Receives one node's flow batches (key: node name). Names each sample (<see cref="FlowResolver"/>), writes the
/// batch to durable history before it answers, then adds it to the edge grains. History is the record of truth:
/// an edge update that fails is logged and the agent is not asked to resend (that would duplicate history).
/// </summary>
internal sealed partial class FlowIngestGrain(
    IFlowHistory history,
    ClusterInputsLoader inputs,
    ILogger<FlowIngestGrain> logger) : Grain, IFlowIngestGrain
{
    private NodeRules? _rules;
    private long _lastSequence = -1;

    public async Task ReportAsync(FlowBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var node = this.GetPrimaryKeyString();
        if (batch.Node != node)
            throw new ArgumentException($"batch of node '{batch.Node}' sent to the flow ingest of node '{node}'.", nameof(batch));
        // A resend of the batch just stored (its answer was lost): already in history.
        if (batch.Sequence == _lastSequence || batch.Samples.Count == 0)
            return;

        var model = (await inputs.LoadAsync()).Model;
        var rules = await RulesForAsync(node, batch.Samples);
        var resolved = new List<ResolvedFlow>(batch.Samples.Count);
        foreach (var sample in batch.Samples)
        {
            if (FlowResolver.Resolve(node, sample, model, rules) is { } flow)
                resolved.Add(flow);
        }
        if (resolved.Count > 0)
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            await history.AppendAsync(resolved.Select(f => f.Record).ToList(), CancellationToken.None);
            FlowMeters.HistoryWrite.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
        _lastSequence = batch.Sequence;
        FlowMeters.Batches.Add(1);
        FlowMeters.Samples.Add(batch.Samples.Count);
        FlowMeters.Records.Add(resolved.Count);
        FlowMeters.Duplicates.Add(batch.Samples.Count - resolved.Count);

        try
        {
            await Task.WhenAll(resolved.GroupBy(f => f.EdgeKey, StringComparer.Ordinal)
                .Select(g => GrainFactory.GetGrain<IEdgeGrain>(g.Key).RecordAsync(g.Last().Src, g.Last().Dst, g.Select(f => f.Record).ToList())));
        }
        catch (Exception ex)
        {
            LogEdgeUpdateFailed(node, ex.Message);
        }
    }

    /// <summary>The node's rules, fetched again when a sample was decided at a newer revision or by a rule unknown here.</summary>
    private async Task<NodeRules> RulesForAsync(string node, IReadOnlyList<FlowSample> samples)
    {
        if (_rules is { } cached && samples.All(s => s.PolicyRevision <= cached.Revision && (s.RuleId == 0 || FlowResolver.RulesById(cached).ContainsKey(s.RuleId))))
            return cached;
        return _rules = await GrainFactory.GetGrain<INodeGrain>(node).GetRulesAsync();
    }

    [LoggerMessage(EventId = 2201, Level = LogLevel.Warning, Message = "Flows of node {Node} are in history but their edges were not updated: {Error}")]
    private partial void LogEdgeUpdateFailed(string node, string error);
}
