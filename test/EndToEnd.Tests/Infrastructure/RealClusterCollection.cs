namespace MicroSeg.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Tests that run several silo processes with one-second membership probes. On a 2-core machine two such clusters
/// side by side starve each other into false suspicions, so they run one at a time, after the parallel tests.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RealClusterCollection
{
    public const string Name = "Real clusters";
}
