namespace MicroSeg.Benchmarks.Load;

/// <summary>What one closed-loop run measured: how many operations finished, over how long, and each one's latency.</summary>
internal sealed record LoadResult(long Operations, TimeSpan Elapsed, long[] LatencyTicks)
{
    public double PerSecond => Operations / Elapsed.TotalSeconds;

    /// <summary>The p-th percentile latency in milliseconds (nearest rank).</summary>
    public double PercentileMs(double p)
    {
        if (LatencyTicks.Length == 0)
            return double.NaN;
        var sorted = LatencyTicks.Order().ToArray();
        var rank = Math.Clamp((int)Math.Ceiling(p / 100.0 * sorted.Length) - 1, 0, sorted.Length - 1);
        return sorted[rank] * 1000.0 / System.Diagnostics.Stopwatch.Frequency;
    }

    /// <summary>The latencies of several runs pooled, and the median run's throughput.</summary>
    public static LoadResult Combine(IReadOnlyList<LoadResult> runs)
    {
        var median = runs.OrderBy(r => r.PerSecond).ElementAt(runs.Count / 2);
        return median with { LatencyTicks = runs.SelectMany(r => r.LatencyTicks).ToArray() };
    }
}
