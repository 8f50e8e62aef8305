using MicroSeg.Grains.Interfaces.Flows;

namespace MicroSeg.Grains.Flows;

/// <summary>
/// Durable flow history, provided by the silo's host: SQLite in the embedded silo, PostgreSQL in a cluster.
/// Every silo has one; all of a cluster's silos share the same store.
/// </summary>
public interface IFlowHistory
{
    /// <summary>Stores <paramref name="records"/> in one batch; returns once they are durable.</summary>
    Task AppendAsync(IReadOnlyList<FlowRecord> records, CancellationToken cancellationToken);

    /// <summary>Records matching <paramref name="query"/> (see <see cref="IFlowHistoryGrain.QueryAsync"/>).</summary>
    Task<FlowPage> QueryAsync(FlowQuery query, CancellationToken cancellationToken);

    /// <summary>The newest record's id, 0 when empty.</summary>
    Task<long> GetLatestIdAsync(CancellationToken cancellationToken);

    /// <summary>Deletes records last seen before <paramref name="olderThan"/>, then the oldest beyond <paramref name="maxRecords"/>; returns how many.</summary>
    Task<long> TrimAsync(DateTimeOffset olderThan, long maxRecords, CancellationToken cancellationToken);
}
