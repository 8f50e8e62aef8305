using Orleans;
using Orleans.Runtime;

namespace MicroSeg.Api.Diagnostics;

/// <summary>
/// Reads the cluster as Orleans sees it: members from the membership table (through the management
/// grain), activations per silo and grain type, and this silo's call figures.
/// </summary>
internal sealed class ClusterStatisticsReader(IGrainFactory grains, ILocalSiloDetails local, GrainCallStatistics calls, TimeProvider time)
{
    public async Task<ClusterStatistics> ReadAsync(CancellationToken cancellationToken)
    {
        var management = grains.GetGrain<IManagementGrain>(0);
        var hosts = await management.GetDetailedHosts(onlyActive: true).WaitAsync(cancellationToken);
        var activations = await management.GetSimpleGrainStatistics().WaitAsync(cancellationToken);
        var now = time.GetUtcNow();
        var silos = hosts
            .OrderBy(h => h.SiloName, StringComparer.Ordinal)
            .Select(h => new SiloStatistics(
                h.SiloName, h.SiloAddress.ToString(), h.Status.ToString(), h.StartTime,
                Math.Max(0, (now - h.StartTime).TotalSeconds),
                activations.Where(a => a.SiloAddress.Equals(h.SiloAddress)).Sum(a => a.ActivationCount),
                h.SiloAddress.Equals(local.SiloAddress)))
            .ToList();
        var types = activations
            .GroupBy(a => ShortTypeName(a.GrainType), StringComparer.Ordinal)
            .Select(g => new GrainTypeStatistics(g.Key, g.Sum(a => a.ActivationCount)))
            .OrderBy(t => t.GrainType, StringComparer.Ordinal)
            .ToList();
        return new ClusterStatistics(GrainCallStatistics.Window.TotalSeconds, silos, types, calls.Snapshot());
    }

    /// <summary>This silo's entry, for /metrics.</summary>
    public async Task<(SiloStatistics Silo, IReadOnlyList<GrainTypeStatistics> GrainTypes)> ReadLocalAsync(CancellationToken cancellationToken)
    {
        var management = grains.GetGrain<IManagementGrain>(0);
        var activations = await management.GetSimpleGrainStatistics([local.SiloAddress]).WaitAsync(cancellationToken);
        var hosts = await management.GetDetailedHosts(onlyActive: false).WaitAsync(cancellationToken);
        var self = hosts.FirstOrDefault(h => h.SiloAddress.Equals(local.SiloAddress));
        var started = self?.StartTime ?? now();
        var silo = new SiloStatistics(local.Name, local.SiloAddress.ToString(), self?.Status.ToString() ?? "Joining", started,
            Math.Max(0, (now() - started).TotalSeconds), activations.Sum(a => a.ActivationCount), true);
        var types = activations
            .GroupBy(a => ShortTypeName(a.GrainType), StringComparer.Ordinal)
            .Select(g => new GrainTypeStatistics(g.Key, g.Sum(a => a.ActivationCount)))
            .OrderBy(t => t.GrainType, StringComparer.Ordinal)
            .ToList();
        return (silo, types);

        DateTimeOffset now() => time.GetUtcNow();
    }

    /// <summary>
    /// The management grain names grain classes by their CLR name; the API uses Orleans' grain type
    /// names (class name without "Grain", lower case), as grain ids and the call figures do.
    /// </summary>
    internal static string ShortTypeName(string clrName)
    {
        var name = clrName.Split(',')[0];
        name = name[(name.LastIndexOf('.') + 1)..];
        if (name.EndsWith("Grain", StringComparison.Ordinal) && name.Length > "Grain".Length)
            name = name[..^"Grain".Length];
        return name.ToLowerInvariant();
    }
}

/// <summary>The cluster as one table.</summary>
/// <param name="WindowSeconds">The sliding window that rates and percentiles cover.</param>
/// <param name="Silos">Every active member.</param>
/// <param name="GrainTypes">Activations per grain type over all silos.</param>
/// <param name="Methods">Calls per grain type and method in the silo that answered (the Orleans dashboard at /dashboard has them cluster-wide).</param>
public sealed record ClusterStatistics(
    double WindowSeconds,
    IReadOnlyList<SiloStatistics> Silos,
    IReadOnlyList<GrainTypeStatistics> GrainTypes,
    IReadOnlyList<GrainMethodStatistics> Methods);

/// <summary>One silo as the membership table lists it.</summary>
/// <param name="Name">Silo name.</param>
/// <param name="Address">Silo address (host:port@generation).</param>
/// <param name="Status">Joining, Active, ShuttingDown or Dead.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="UptimeSeconds">Seconds since it started.</param>
/// <param name="Activations">Grain activations it hosts.</param>
/// <param name="Self">The silo that answered this request.</param>
public sealed record SiloStatistics(string Name, string Address, string Status, DateTimeOffset StartedAt, double UptimeSeconds, int Activations, bool Self);

/// <summary>Activations of one grain type.</summary>
/// <param name="GrainType">Grain type name (class name without "Grain", lower case).</param>
/// <param name="Activations">Its activations.</param>
public sealed record GrainTypeStatistics(string GrainType, int Activations);
