using System.Collections.Concurrent;
using System.Diagnostics;
using Orleans;

namespace MicroSeg.Api.Diagnostics;

/// <summary>
/// Calls, failures and latency per grain type and method in this silo, for /metrics and
/// /api/v1/cluster. An incoming grain call filter (Orleans' place for cross-cutting concerns); the
/// Orleans dashboard at /dashboard shows the same calls cluster-wide.
/// </summary>
internal sealed class GrainCallStatistics(TimeProvider time) : IIncomingGrainCallFilter
{
    /// <summary>Rates and quantiles are over this window; totals are since start.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(60);

    /// <summary>Samples kept per method for quantiles: bounded, so a hot method cannot grow memory.</summary>
    private const int MaxSamples = 4096;

    private readonly ConcurrentDictionary<(string GrainType, string Method), MethodCounters> _methods = new();

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var failed = false;
        try
        {
            await context.Invoke();
        }
        catch
        {
            failed = true;
            throw;
        }
        finally
        {
            var method = context.InterfaceMethod;
            var key = (context.TargetId.Type.ToString() ?? "", $"{method?.DeclaringType?.Name}.{method?.Name}");
            _methods.GetOrAdd(key, _ => new MethodCounters()).Record(time.GetUtcNow(), Stopwatch.GetElapsedTime(started), failed);
        }
    }

    /// <summary>Every method called since start, with its window figures.</summary>
    public IReadOnlyList<GrainMethodStatistics> Snapshot()
    {
        var now = time.GetUtcNow();
        return _methods
            .Select(kv => kv.Value.Read(kv.Key.GrainType, kv.Key.Method, now))
            .OrderBy(m => m.GrainType, StringComparer.Ordinal).ThenBy(m => m.Method, StringComparer.Ordinal)
            .ToList();
    }

    private sealed class MethodCounters
    {
        private readonly Lock _gate = new();
        private readonly Queue<(DateTimeOffset At, double Ms, bool Failed)> _recent = new();
        private long _calls;
        private long _errors;
        private double _totalSeconds;

        public void Record(DateTimeOffset at, TimeSpan elapsed, bool failed)
        {
            lock (_gate)
            {
                _calls++;
                _errors += failed ? 1 : 0;
                _totalSeconds += elapsed.TotalSeconds;
                _recent.Enqueue((at, elapsed.TotalMilliseconds, failed));
                Trim(at);
            }
        }

        public GrainMethodStatistics Read(string grainType, string method, DateTimeOffset now)
        {
            lock (_gate)
            {
                Trim(now);
                var latencies = _recent.Select(r => r.Ms).Order().ToArray();
                var windowErrors = _recent.Count(r => r.Failed);
                var seconds = Window.TotalSeconds;
                return new GrainMethodStatistics(grainType, method, _calls, _errors, _recent.Count / seconds, windowErrors / seconds,
                    Quantile(latencies, 0.5), Quantile(latencies, 0.99), _totalSeconds);
            }
        }

        private void Trim(DateTimeOffset now)
        {
            while (_recent.Count > 0 && (now - _recent.Peek().At > Window || _recent.Count > MaxSamples))
                _recent.Dequeue();
        }

        private static double Quantile(double[] sorted, double q) =>
            sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
    }
}

/// <summary>One grain method's calls in this silo.</summary>
/// <param name="GrainType">Orleans grain type name (e.g. "workload").</param>
/// <param name="Method">Interface and method, e.g. "IWorkloadGrain.GetAsync".</param>
/// <param name="Calls">Calls completed since start, failures included.</param>
/// <param name="Errors">Calls that failed since start.</param>
/// <param name="CallsPerSecond">Calls per second over the window.</param>
/// <param name="ErrorsPerSecond">Failures per second over the window.</param>
/// <param name="LatencyP50Ms">Median latency over the window, milliseconds.</param>
/// <param name="LatencyP99Ms">99th percentile latency over the window, milliseconds.</param>
/// <param name="TotalSeconds">Time spent in calls since start.</param>
public sealed record GrainMethodStatistics(
    string GrainType, string Method, long Calls, long Errors, double CallsPerSecond, double ErrorsPerSecond,
    double LatencyP50Ms, double LatencyP99Ms, double TotalSeconds);
