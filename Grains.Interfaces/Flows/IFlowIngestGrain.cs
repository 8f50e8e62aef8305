using Orleans;

namespace MicroSeg.Grains.Interfaces.Flows;

/// <summary>
/// Where one node's agent sends its flow batches, keyed by node name (so an agent can be authorised for its own
/// node only). Names workloads and deciding policies, writes history and feeds the edge grains.
/// </summary>
[Alias("microseg.IFlowIngestGrain")]
public interface IFlowIngestGrain : IGrainWithStringKey
{
    /// <summary>Records a batch; completes once it is in durable history (the agent may then forget it).</summary>
    Task ReportAsync(FlowBatch batch);
}
