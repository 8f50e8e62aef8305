using System.Diagnostics;

namespace MicroSeg.Benchmarks.Runtime;

/// <summary>Latency figures of one run, in microseconds, and the garbage collections during it.</summary>
internal readonly record struct Latency(double P50Us, double P99Us, double CallsPerSecond, int Collections = 0, double PauseMs = 0);

/// <summary>
/// Load shapes for the runtime benchmarks: closed-loop throughput (N callers, each awaiting its call before the
/// next), sequential latency (one caller), and open-loop latency at a fixed rate (calls sent on a 1 ms pacing
/// tick whether or not earlier ones answered; latency from each call's send to its answer).
/// </summary>
internal static class LoadRunner
{
    /// <summary>Calls per second with <paramref name="callers"/> concurrent callers for <paramref name="duration"/>.</summary>
    public static async Task<double> ThroughputAsync(Func<int, Task<int>> call, int callers, TimeSpan duration)
    {
        using var stop = new CancellationTokenSource();
        long total = 0;
        var started = Stopwatch.GetTimestamp();
        var loops = Enumerable.Range(0, callers).Select(c => Task.Run(async () =>
        {
            long count = 0;
            while (!stop.IsCancellationRequested)
            {
                await call(c).ConfigureAwait(false);
                count++;
            }

            Interlocked.Add(ref total, count);
        })).ToArray();
        stop.CancelAfter(duration);
        await Task.WhenAll(loops).ConfigureAwait(false);
        return total / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    /// <summary>One caller, <paramref name="calls"/> calls one after another.</summary>
    public static async Task<Latency> SequentialAsync(Func<int, Task<int>> call, int calls)
    {
        var samples = new long[calls];
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < calls; i++)
        {
            var sent = Stopwatch.GetTimestamp();
            await call(0).ConfigureAwait(false);
            samples[i] = Stopwatch.GetTimestamp() - sent;
        }

        return Summarize(samples, calls / Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    /// <summary>Open loop: <paramref name="rate"/> calls per second for <paramref name="duration"/>, spread over <paramref name="keys"/> callers' keys.</summary>
    public static async Task<Latency> PacedAsync(Func<int, Task<int>> call, double rate, TimeSpan duration, int keys)
    {
        var total = (int)(rate * duration.TotalSeconds);
        var samples = new long[total];
        var collections = GC.CollectionCount(0);
        var paused = GC.GetTotalPauseDuration();
        var remaining = total;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = Stopwatch.GetTimestamp();
        var pacer = new Thread(() =>
        {
            var next = 0;
            while (next < total)
            {
                var due = (int)Math.Min(total, Stopwatch.GetElapsedTime(started).TotalSeconds * rate);
                for (; next < due; next++)
                {
                    var index = next;
                    var sent = Stopwatch.GetTimestamp();
                    call(index % keys).ContinueWith(t =>
                    {
                        samples[index] = t.IsCompletedSuccessfully ? Stopwatch.GetTimestamp() - sent : long.MaxValue;
                        if (Interlocked.Decrement(ref remaining) == 0)
                            done.TrySetResult();
                    }, TaskContinuationOptions.ExecuteSynchronously);
                }

                Thread.Sleep(1);
            }
        }) { IsBackground = true, Name = "bench pacer" };
        pacer.Start();
        await done.Task.ConfigureAwait(false);
        var failed = samples.Count(s => s == long.MaxValue);
        if (failed > 0)
            throw new InvalidOperationException($"{failed} of {total} paced calls failed.");
        return Summarize(samples, total / Stopwatch.GetElapsedTime(started).TotalSeconds) with
        {
            Collections = GC.CollectionCount(0) - collections,
            PauseMs = (GC.GetTotalPauseDuration() - paused).TotalMilliseconds,
        };
    }

    /// <summary>The median of <paramref name="rounds"/> runs of <paramref name="run"/> (after one warm-up run).</summary>
    public static async Task<T> MedianAsync<T>(int rounds, Func<Task<T>> run, Func<T, double> by)
    {
        await run().ConfigureAwait(false);
        var results = new List<T>(rounds);
        for (var i = 0; i < rounds; i++)
            results.Add(await run().ConfigureAwait(false));
        return results.OrderBy(by).ElementAt(rounds / 2);
    }

    private static Latency Summarize(long[] samples, double callsPerSecond)
    {
        Array.Sort(samples);
        double Us(double quantile) => samples[Math.Min(samples.Length - 1, (int)Math.Ceiling(quantile * samples.Length) - 1)] * 1e6 / Stopwatch.Frequency;
        return new Latency(Us(0.5), Us(0.99), callsPerSecond);
    }
}
