namespace MicroSeg.Runtime.Diagnostics;

/// <summary>
/// A silo's statistics as a grain call, so one silo can ask another over the silo link (the role of Orleans'
/// <c>ISiloControl</c> system target). Called only by <see cref="ClusterStatisticsCollector"/>, addressed to a
/// chosen silo, never through placement.
/// </summary>
internal interface ISiloStatisticsGrain : IGrainWithStringKey
{
    /// <summary>The statistics of the silo that runs the call.</summary>
    Task<SiloStatistics> GetAsync();
}

/// <summary>Answers <see cref="ISiloStatisticsGrain"/> from the hosting silo's <see cref="IRuntimeStatistics"/>.</summary>
[Reentrant]
[Activation.SystemTarget]
internal sealed class SiloStatisticsGrain(IRuntimeStatistics statistics) : Grain, ISiloStatisticsGrain
{
    public Task<SiloStatistics> GetAsync() => Task.FromResult(statistics.GetLocalStatistics());
}
