using Orleans;

namespace MicroSeg.Grains.Interfaces.Flows;

/// <summary>Reads durable flow history; a stateless worker on every silo (key 0).</summary>
[Alias("microseg.IFlowHistoryGrain")]
public interface IFlowHistoryGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Records matching <paramref name="query"/>: newest first from <see cref="FlowQuery.Before"/>, or oldest first
    /// after <see cref="FlowQuery.After"/> when that is set.
    /// </summary>
    Task<FlowPage> QueryAsync(FlowQuery query);

    /// <summary>The newest history id, 0 when history is empty (where a follower starts).</summary>
    Task<long> GetLatestIdAsync();
}
