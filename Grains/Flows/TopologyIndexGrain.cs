using MicroSeg.Grains.Common;
using MicroSeg.Grains.Interfaces.Flows;
using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace MicroSeg.Grains.Flows;

/// <summary>Persisted state of the topology index.</summary>
[GenerateSerializer, Alias("microseg.state.TopologyIndexState")]
internal sealed class TopologyIndexState
{
    [Id(0)]
    public Dictionary<string, EdgeSummary> Edges { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>
/// Every edge's latest summary (key <see cref="Interfaces.GrainKeys.Cluster"/>), so a graph query reads one grain
/// instead of every edge. Reentrant so that the updates of one flush interval, arriving together from many edge
/// grains, share one storage write (<see cref="CoalescedStateWriter{T}"/>); each turn changes the state without
/// awaiting in between, so interleaving cannot tear it.
/// </summary>
[Reentrant]
internal sealed class TopologyIndexGrain(
    [PersistentState("topology-index")] IPersistentState<TopologyIndexState> state) : Grain, ITopologyIndexGrain
{
    private readonly CoalescedStateWriter<TopologyIndexState> _writer = new(state);

    public Task UpdateAsync(EdgeSummary edge)
    {
        ArgumentNullException.ThrowIfNull(edge);
        state.State.Edges[EdgeKeys.Of(edge.Src.Id, edge.Dst.Id)] = edge;
        return _writer.WriteAsync();
    }

    public Task<TopologyView> GetAsync(TopologyLevel level, string groupLabel, DateTimeOffset? since) =>
        Task.FromResult(TopologyBuilder.Build(state.State.Edges.Values, level, groupLabel, since));
}
