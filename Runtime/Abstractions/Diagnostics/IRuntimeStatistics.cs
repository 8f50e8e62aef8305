namespace MicroSeg.Runtime.Diagnostics;

/// <summary>
/// What the runtime measures about itself, for dashboards and /metrics (the data Orleans' management grain and
/// OrleansDashboard collect). Registered in every silo; calls are cheap and never block grain calls.
/// </summary>
public interface IRuntimeStatistics
{
    /// <summary>The sliding window that rates and latency percentiles cover (60 s).</summary>
    TimeSpan Window { get; }

    /// <summary>This silo's status, activations and per-method call statistics, taken now.</summary>
    SiloStatistics GetLocalStatistics();

    /// <summary>
    /// Every live member of the cluster (the membership table in cluster mode, the local silo otherwise) with its
    /// statistics, fetched from each silo; a silo that does not answer in time is listed with its table status
    /// and <see cref="SiloStatistics.Error"/> set. Also cluster-wide tables per grain type and method.
    /// </summary>
    /// <param name="cancellationToken">Cancels the collection.</param>
    Task<ClusterStatistics> GetClusterStatisticsAsync(CancellationToken cancellationToken = default);
}
