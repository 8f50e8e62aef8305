using System.Diagnostics;

namespace MicroSeg.Benchmarks.Load;

/// <summary>
/// A closed-loop load: each caller awaits its operation before starting the next, for a fixed time.
/// Throughput is what the system sustains at that concurrency; each operation's latency is kept.
/// </summary>
internal static class ClosedLoop
{
    /// <param name="callers">Concurrent callers.</param>
    /// <param name="duration">How long the callers keep calling.</param>
    /// <param name="operation">Called with the caller's index and its call count so far.</param>
    public static async Task<LoadResult> RunAsync(int callers, TimeSpan duration, Func<int, long, Task> operation)
    {
        var latencies = new List<long>[callers];
        var start = Stopwatch.GetTimestamp();
        var deadline = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, callers).Select(caller => Task.Run(async () =>
        {
            var own = latencies[caller] = new List<long>(4096);
            for (long n = 0; ; n++)
            {
                var before = Stopwatch.GetTimestamp();
                if (before >= deadline)
                    break;
                await operation(caller, n);
                own.Add(Stopwatch.GetTimestamp() - before);
            }
        })));
        var elapsed = Stopwatch.GetElapsedTime(start);
        var all = latencies.SelectMany(l => l).ToArray();
        return new LoadResult(all.Length, elapsed, all);
    }
}
