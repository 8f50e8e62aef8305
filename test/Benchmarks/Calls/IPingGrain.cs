using Orleans;

namespace MicroSeg.Benchmarks.Calls;

/// <summary>The benchmark's trivial grain: the cost measured is Orleans's, not the grain's.</summary>
[Alias("microseg.bench.IPingGrain")]
public interface IPingGrain : IGrainWithIntegerKey
{
    /// <summary>Returns <paramref name="value"/> + 1.</summary>
    [Alias("Ping")]
    Task<int> PingAsync(int value);

    /// <summary>The address of the silo this activation runs on, to check where it was placed.</summary>
    [Alias("Silo")]
    Task<string> SiloAsync();
}
