using MicroSeg.Grains.Interfaces.Flows;
using Orleans;
using Orleans.Concurrency;

namespace MicroSeg.Grains.Flows;

/// <summary>Reads flow history on the silo that serves the request: a stateless worker, so reads scale with silos.</summary>
[StatelessWorker]
internal sealed class FlowHistoryGrain(IFlowHistory history) : Grain, IFlowHistoryGrain
{
    public Task<FlowPage> QueryAsync(FlowQuery query) => history.QueryAsync(query, CancellationToken.None);

    public Task<long> GetLatestIdAsync() => history.GetLatestIdAsync(CancellationToken.None);
}
