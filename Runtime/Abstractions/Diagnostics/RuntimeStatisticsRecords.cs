namespace MicroSeg.Runtime.Diagnostics;

/// <summary>One silo's statistics (Orleans <c>SiloRuntimeStatistics</c> plus per-method call figures).</summary>
/// <param name="Name">The silo's name.</param>
/// <param name="Address">Its silo address (host:port@generation), or "local" for a single silo without a silo port.</param>
/// <param name="Status">Joining, Active, ShuttingDown or Dead (from the membership table in cluster mode).</param>
/// <param name="StartedAt">When the silo started.</param>
/// <param name="UptimeSeconds">Seconds since it started.</param>
/// <param name="Activations">Grain activations it hosts.</param>
/// <param name="CallsPerSecond">Grain calls completed per second over the window, all methods.</param>
/// <param name="ErrorsPerSecond">Grain calls failed per second over the window, all methods.</param>
/// <param name="GrainTypes">Activations per grain type.</param>
/// <param name="Methods">Call statistics per grain type and method.</param>
/// <param name="Error">Why the statistics are missing (the silo did not answer); null when they are present.</param>
public sealed record SiloStatistics(
    string Name,
    string Address,
    string Status,
    DateTimeOffset StartedAt,
    double UptimeSeconds,
    int Activations,
    double CallsPerSecond,
    double ErrorsPerSecond,
    IReadOnlyList<GrainTypeStatistics> GrainTypes,
    IReadOnlyList<GrainMethodStatistics> Methods,
    string? Error = null);

/// <summary>Activations of one grain type.</summary>
/// <param name="GrainType">The grain type name (class name without "Grain", lower case).</param>
/// <param name="Activations">Its activations.</param>
public sealed record GrainTypeStatistics(string GrainType, int Activations);

/// <summary>
/// Calls of one grain method on one grain type. Latency is measured in the silo that runs the call, from the
/// moment the call reached it (queue wait included) until the method's task completed.
/// </summary>
/// <param name="GrainType">The grain type name.</param>
/// <param name="Method">Interface and method, e.g. "IWorkloadGrain.GetAsync".</param>
/// <param name="Calls">Calls completed since start (successes and failures).</param>
/// <param name="Errors">Calls that failed since start.</param>
/// <param name="TotalSeconds">Sum of all call durations since start.</param>
/// <param name="CallsPerSecond">Calls per second over the window.</param>
/// <param name="ErrorsPerSecond">Failed calls per second over the window.</param>
/// <param name="LatencyP50Ms">Median duration over the window, in milliseconds (±7 %); 0 without calls.</param>
/// <param name="LatencyP99Ms">99th percentile over the window, in milliseconds (±7 %); 0 without calls.</param>
public sealed record GrainMethodStatistics(
    string GrainType,
    string Method,
    long Calls,
    long Errors,
    double TotalSeconds,
    double CallsPerSecond,
    double ErrorsPerSecond,
    double LatencyP50Ms,
    double LatencyP99Ms);

/// <summary>The cluster as one table: each silo, and the per-type and per-method figures summed over silos.</summary>
/// <param name="WindowSeconds">The sliding window rates and percentiles cover.</param>
/// <param name="Silos">Every live member, this silo included.</param>
/// <param name="GrainTypes">Activations per grain type over all silos.</param>
/// <param name="Methods">Calls per grain type and method over all silos; the latency percentiles are those of the slowest silo.</param>
public sealed record ClusterStatistics(
    double WindowSeconds,
    IReadOnlyList<SiloStatistics> Silos,
    IReadOnlyList<GrainTypeStatistics> GrainTypes,
    IReadOnlyList<GrainMethodStatistics> Methods);
