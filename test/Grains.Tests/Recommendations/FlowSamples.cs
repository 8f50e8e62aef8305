using MicroSeg.Grains.Interfaces.Flows;
using MicroSeg.Grains.Interfaces.Workloads;

namespace MicroSeg.Grains.Tests.Recommendations;

/// <summary>Workloads and flow records as history would hold them, for recommendation and replay tests.</summary>
internal static class FlowSamples
{
    public static readonly DateTimeOffset T = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    public static WorkloadSpec Workload(string id, string address, string? app, string ns = "default", string node = "n1", Dictionary<string, string>? labels = null) => new()
    {
        Id = id,
        Node = node,
        Interface = $"v{id}",
        Addresses = [address],
        Namespace = ns,
        Labels = labels ?? (app is null ? [] : new Dictionary<string, string> { ["app"] = app, ["pod"] = id }),
    };

    /// <summary>A flow from <paramref name="src"/> (a workload, or an outside address when null) to <paramref name="dst"/>.</summary>
    public static FlowRecord Flow(WorkloadSpec? src, string srcAddress, WorkloadSpec? dst, string dstAddress, int? port,
        string protocol = "TCP", string verdict = "allow", string reason = "no-policy", long connections = 1, int minute = 0) =>
        new(0, T.AddMinutes(minute), T.AddMinutes(minute).AddSeconds(5), "n1",
            new FlowEndpoint(src?.Id, src?.Namespace, srcAddress),
            new FlowEndpoint(dst?.Id, dst?.Namespace, dstAddress, port),
            protocol, verdict, null, reason, connections, connections * 4, 0);

    public static FlowRecord Flow(WorkloadSpec src, WorkloadSpec dst, int port, int minute = 0, long connections = 1) =>
        Flow(src, src.Addresses[0], dst, dst.Addresses[0], port, minute: minute, connections: connections);

    /// <summary>The workloads as the index hands them out: records ordered by id, one identity per label set and namespace.</summary>
    public static List<WorkloadRecord> Records(IEnumerable<WorkloadSpec> specs)
    {
        var identities = new Dictionary<string, uint>(StringComparer.Ordinal);
        return specs.OrderBy(s => s.Id, StringComparer.Ordinal).Select(s =>
        {
            var key = $"{s.Namespace}|{string.Join(',', s.Labels.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"))}";
            if (!identities.TryGetValue(key, out var identity))
                identities[key] = identity = (uint)(256 + identities.Count);
            return new WorkloadRecord(s, identity);
        }).ToList();
    }
}
