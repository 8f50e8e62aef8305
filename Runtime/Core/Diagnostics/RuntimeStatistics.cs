using System.Diagnostics;
using MicroSeg.Runtime.Activation;
using MicroSeg.Runtime.Cluster;
using MicroSeg.Runtime.Hosting;
using Microsoft.Extensions.Hosting;

namespace MicroSeg.Runtime.Diagnostics;

/// <summary>
/// This silo's <see cref="IRuntimeStatistics"/>: status and uptime from the host, activations from the
/// <see cref="Catalog"/>, call figures from <see cref="CallStatistics"/>; the cluster view asks every other
/// live member through <see cref="ClusterStatisticsCollector"/>.
/// </summary>
internal sealed class RuntimeStatistics(GrainTypeRegistry types, Catalog catalog, LocalSiloDetails details, ClusterView view,
    ClusterStatisticsCollector collector, TimeProvider time) : IRuntimeStatistics, IHostedService
{
    private DateTimeOffset _startedAt = time.GetUtcNow();
    private long _startedTimestamp = Stopwatch.GetTimestamp();
    private volatile string _status = "Joining";

    public TimeSpan Window => CallStatistics.Window;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _startedAt = time.GetUtcNow();
        _startedTimestamp = Stopwatch.GetTimestamp();
        _status = "Active";
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _status = "ShuttingDown";
        return Task.CompletedTask;
    }

    public SiloStatistics GetLocalStatistics()
    {
        var now = Stopwatch.GetTimestamp();
        var activations = catalog.Activations.GroupBy(a => a.Class.GrainType, StringComparer.Ordinal)
            .Select(g => new GrainTypeStatistics(g.Key, g.Count()))
            .OrderBy(t => t.GrainType, StringComparer.Ordinal)
            .ToList();
        var methods = types.Classes.SelectMany(CallStatistics.Of).ToList();
        var overloaded = methods.GroupBy(m => (m.GrainType, m.Method)).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet();
        var rows = methods
            .Select(m => ToRow(m, m.Snapshot(now), overloaded.Contains((m.GrainType, m.Method))))
            .OrderBy(r => r.GrainType, StringComparer.Ordinal)
            .ThenBy(r => r.Method, StringComparer.Ordinal)
            .ToList();
        var address = view.Self?.ToString() ?? details.SiloAddress?.ToString() ?? "local";
        return new SiloStatistics(details.Name, address, _status, _startedAt,
            (now - _startedTimestamp) / (double)Stopwatch.Frequency,
            activations.Sum(a => a.Activations),
            rows.Sum(r => r.CallsPerSecond),
            rows.Sum(r => r.ErrorsPerSecond),
            activations, rows);
    }

    public Task<ClusterStatistics> GetClusterStatisticsAsync(CancellationToken cancellationToken = default) =>
        collector.CollectAsync(GetLocalStatistics(), Window, cancellationToken);

    private static GrainMethodStatistics ToRow(MethodStatistics method, MethodSnapshot s, bool overloaded) =>
        new(method.GrainType, overloaded ? ShortOverload(method) : method.Method, s.Calls, s.Errors, s.TotalSeconds,
            s.CallsPerSecond, s.ErrorsPerSecond, s.P50Ms, s.P99Ms);

    // "Ns.IFoo::Bar(System.String,System.Int32)" -> "IFoo.Bar(String,Int32)".
    private static string ShortOverload(MethodStatistics method)
    {
        var open = method.MethodId.IndexOf('(', StringComparison.Ordinal);
        var parameters = method.MethodId[(open + 1)..^1].Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p[(p.LastIndexOf('.') + 1)..]);
        return $"{method.Method}({string.Join(",", parameters)})";
    }
}
