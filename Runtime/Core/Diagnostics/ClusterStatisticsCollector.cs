using MicroSeg.Runtime.Activation;
using MicroSeg.Runtime.Cluster;
using MicroSeg.Runtime.Invocation;
using MicroSeg.Runtime.Messaging;
using Microsoft.Extensions.DependencyInjection;

namespace MicroSeg.Runtime.Diagnostics;

/// <summary>
/// Builds <see cref="ClusterStatistics"/>: the live members from the membership table (cluster mode), each
/// asked for its statistics over the silo link in parallel with a short deadline, then summed per grain type
/// and method. Without a membership table the cluster is this silo alone.
/// </summary>
internal sealed class ClusterStatisticsCollector(IServiceProvider services, ClusterView view)
{
    /// <summary>How long a silo may take to answer before it is listed without figures.</summary>
    public static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(2);

    private static readonly string s_grainType = GrainClassInfo.GrainTypeOf(typeof(SiloStatisticsGrain));

    public async Task<ClusterStatistics> CollectAsync(SiloStatistics local, TimeSpan window, CancellationToken cancellationToken)
    {
        IReadOnlyList<SiloStatistics> silos = [local];
        if (services.GetService<IMembershipTable>() is { } table && view.Self is { } self)
        {
            var members = await table.ReadLiveAsync(cancellationToken).ConfigureAwait(false);
            silos = await Task.WhenAll(members.Select(m => m.Address == self
                ? Task.FromResult(local with { Name = m.Name, Status = m.Status.ToString() })
                : QueryAsync(m, cancellationToken))).ConfigureAwait(false);
        }

        return Aggregate(window, silos);
    }

    private async Task<SiloStatistics> QueryAsync(MembershipEntry member, CancellationToken cancellationToken)
    {
        var method = InterfaceRegistry.For(typeof(ISiloStatisticsGrain)).Methods.Single(m => m.Method.Name == nameof(ISiloStatisticsGrain.GetAsync));
        var call = method.CreateLocalCall([], long.MaxValue, out var task);
        try
        {
            services.GetRequiredService<SiloConnections>().Forward(member.Address, TargetKind.SystemTarget, s_grainType, member.Address.ToString(), call);
            var statistics = await ((Task<SiloStatistics>)task).WaitAsync(AnswerTimeout, cancellationToken).ConfigureAwait(false);
            return statistics with { Name = member.Name, Status = member.Status.ToString() };
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            task.IgnoreFailure();
            return new SiloStatistics(member.Name, member.Address.ToString(), member.Status.ToString(),
                DateTimeOffset.FromUnixTimeMilliseconds(member.Address.Generation), 0, 0, 0, 0, [], [],
                $"The silo did not answer within {AnswerTimeout.TotalSeconds:0} s: {ex.Message}");
        }
    }

    private static ClusterStatistics Aggregate(TimeSpan window, IReadOnlyList<SiloStatistics> silos)
    {
        var types = silos.SelectMany(s => s.GrainTypes)
            .GroupBy(t => t.GrainType, StringComparer.Ordinal)
            .Select(g => new GrainTypeStatistics(g.Key, g.Sum(t => t.Activations)))
            .OrderBy(t => t.GrainType, StringComparer.Ordinal)
            .ToList();
        var methods = silos.SelectMany(s => s.Methods)
            .GroupBy(m => (m.GrainType, m.Method))
            .Select(g => new GrainMethodStatistics(g.Key.GrainType, g.Key.Method,
                g.Sum(m => m.Calls), g.Sum(m => m.Errors), g.Sum(m => m.TotalSeconds),
                g.Sum(m => m.CallsPerSecond), g.Sum(m => m.ErrorsPerSecond),
                g.Max(m => m.LatencyP50Ms), g.Max(m => m.LatencyP99Ms)))
            .OrderBy(m => m.GrainType, StringComparer.Ordinal)
            .ThenBy(m => m.Method, StringComparer.Ordinal)
            .ToList();
        return new ClusterStatistics(window.TotalSeconds, [.. silos.OrderBy(s => s.Address, StringComparer.Ordinal)], types, methods);
    }
}
