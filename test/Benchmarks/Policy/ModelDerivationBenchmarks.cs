using BenchmarkDotNet.Attributes;
using MicroSeg.Grains.Interfaces.Namespaces;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Workloads;
using MicroSeg.Grains.Rules;

namespace MicroSeg.Benchmarks.Policy;

/// <summary>
/// Cost of the shared rule model after one workload write (a relabel into another identity), as the cluster
/// grows: derived from the previous snapshot's model (what the silo does) against built from scratch (the
/// baseline, what it did before), then the ipcache of one node computed from it.
/// </summary>
[MemoryDiagnoser]
public class ModelDerivationBenchmarks
{
    private const int Apps = 50;
    private IReadOnlyList<WorkloadRecord> _before = [];
    private IReadOnlyList<WorkloadRecord> _after = [];
    private ClusterRuleModel _latest = null!;
    private bool _flipped;
    private PolicySpec[] _policies = [];
    private static readonly IReadOnlyList<NamespaceSpec> Namespaces = [];

    [Params(1_000, 10_000, 50_000)]
    public int Workloads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var records = Enumerable.Range(0, Workloads).Select(i => Workload(i, tier: 0)).OrderBy(w => w.Spec.Id, StringComparer.Ordinal).ToList();
        _before = records;
        var changed = records.FindIndex(w => w.Spec.Id == "w7");
        var after = records.ToList();
        after[changed] = Workload(7, tier: 1);
        _after = after;
        _policies = Enumerable.Range(0, 100).Select(i => new PolicySpec
        {
            Id = $"p{i}",
            Selector = new LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = $"app{i % Apps}" } },
            Ingress = [new PolicyRule { From = [new PolicyPeer { Selector = new LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = $"app{(i + 1) % Apps}" } } }] }],
        }).ToArray();
        _latest = ClusterRuleModel.Next(null, _before, _policies, Namespaces);
        // Warm the caches a fan-out fills, as the silo's previous model has them.
        for (var n = 0; n < 100; n++)
            NodeRuleCompiler.Compile($"n{n}", _latest, new NodeIdAllocations());
    }

    [Benchmark(Baseline = true, Description = "model built from scratch, one node compiled")]
    public int Fresh() => NodeRuleCompiler.Compile("n7", ClusterRuleModel.Next(null, _after, _policies, Namespaces), new NodeIdAllocations()).IpCache.Count;

    /// <summary>As the silo does: each model derived from the latest, the workload flipping back and forth.</summary>
    [Benchmark(Description = "model derived from the previous one, one node compiled")]
    public int Derived()
    {
        _flipped = !_flipped;
        _latest = ClusterRuleModel.Next(_latest, _flipped ? _after : _before, _policies, Namespaces);
        return NodeRuleCompiler.Compile("n7", _latest, new NodeIdAllocations()).IpCache.Count;
    }

    private static WorkloadRecord Workload(int i, int tier) => new(new WorkloadSpec
    {
        Id = $"w{i}",
        Node = $"n{i % 100}",
        Interface = $"v{i}",
        Addresses = [$"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}"],
        Labels = new Dictionary<string, string> { ["app"] = $"app{i % Apps}", ["tier"] = tier == 0 ? "blue" : "green" },
    }, (uint)(256 + (i % Apps) * 2 + tier));
}
