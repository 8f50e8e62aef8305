using BenchmarkDotNet.Attributes;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Workloads;
using MicroSeg.Grains.Rules;

namespace MicroSeg.Benchmarks.Policy;

/// <summary>
/// Cost of one node recompute (the node grain's full-snapshot computation) as the cluster grows.
/// The baseline is the same recompute with no policies (endpoints and ipcache only), so the ratio
/// shows what policy evaluation adds at each size.
/// </summary>
[MemoryDiagnoser]
public class NodeRecomputeBenchmarks
{
    private WorkloadRecord[] _workloads = [];
    private PolicySpec[] _policies = [];
    private NodeIdAllocations[] _ids = [];
    private const int Nodes = 100;

    [Params(100, 1_000, 10_000)]
    public int Workloads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // 100 nodes, 50 apps; each policy lets one app reach another on one port.
        const int nodes = Nodes;
        const int apps = 50;
        _ids = Enumerable.Range(0, nodes).Select(_ => new NodeIdAllocations()).ToArray();
        _workloads = Enumerable.Range(0, Workloads).Select(i => new WorkloadRecord(new WorkloadSpec
        {
            Id = $"w{i}",
            Node = $"n{i % nodes}",
            Interface = $"v{i}",
            Addresses = [$"198.{18 + (i >> 16)}.{(i >> 8) & 255}.{i & 255}"],
            Labels = new Dictionary<string, string> { ["app"] = $"app{i % apps}", ["env"] = i % 2 == 0 ? "prod" : "dev" },
        }, (uint)(256 + (i % apps) * 2 + (i % 2)))).ToArray();
        _policies = Enumerable.Range(0, Workloads / 10).Select(i => new PolicySpec
        {
            Id = $"p{i}",
            Selector = new LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = $"app{i % apps}" } },
            Ingress =
            [
                new PolicyRule
                {
                    From = [new PolicyPeer { Selector = new LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = $"app{(i + 1) % apps}" } } }],
                    Ports = [new PolicyPort { Protocol = "TCP", Port = 1000 + i }],
                },
            ],
        }).ToArray();
    }

    [Benchmark(Baseline = true, Description = "recompute, no policies")]
    public int RecomputeWithoutPolicies() => NodeRuleCompiler.Compile("n0", _workloads, [], new NodeIdAllocations()).IpCache.Count;

    [Benchmark(Description = "recompute, workloads/10 policies")]
    public int Recompute() => NodeRuleCompiler.Compile("n0", _workloads, _policies, new NodeIdAllocations()).Policy.Count;

    /// <summary>
    /// One fan-out: every node of the cluster recomputed from one snapshot (one shared model, as the node
    /// grains of a silo share it), divided by the node count: the cost per node when a change reaches all.
    /// </summary>
    [Benchmark(Description = "fan-out to all 100 nodes, per node", OperationsPerInvoke = Nodes)]
    public int RecomputeEveryNode()
    {
        var model = new ClusterRuleModel(_workloads, _policies, NamespaceLabels.Empty);
        var total = 0;
        for (var n = 0; n < Nodes; n++)
            total += NodeRuleCompiler.Compile($"n{n}", model, _ids[n]).Policy.Count;
        return total;
    }
}
