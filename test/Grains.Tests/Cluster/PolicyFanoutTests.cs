using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Validation;
using MicroSeg.Grains.Interfaces.Workloads;

namespace MicroSeg.Grains.Tests.Cluster;

/// <summary>Workload and policy grains on two silos: a change reaches the node grains through the stream fan-out.</summary>
[Collection(ClusterCollection.Name)]
public sealed class PolicyFanoutTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task SetWorkloadAndPolicy_NodeGrain_HasEndpointAndEntries()
    {
        var grains = fixture.Grains;
        var node = $"fan-{Guid.NewGuid():N}"[..12];
        await grains.GetGrain<IWorkloadGrain>($"{node}-db").SetAsync(Workload($"{node}-db", node, "198.18.60.1", "db"));
        await grains.GetGrain<IWorkloadGrain>($"{node}-web").SetAsync(Workload($"{node}-web", node, "198.18.60.2", $"{node}-web"));

        await grains.GetGrain<IPolicyGrain>($"{node}-p").SetAsync(new PolicySpec
        {
            Id = $"{node}-p",
            Selector = new LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "db", ["node"] = node } },
            Ingress = [new PolicyRule { From = [new PolicyPeer { Selector = new LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = $"{node}-web" } } }], Ports = [new PolicyPort { Port = 5432 }] }],
        });

        var nodeGrain = grains.GetGrain<INodeGrain>(node);
        await Wait.UntilAsync(async () => (await nodeGrain.GetRulesAsync()).Policy.Any(e => e.Port == 5432), Timeout, "the policy entry on the node");
        var rules = await nodeGrain.GetRulesAsync();
        Assert.Equal(2, rules.Endpoints.Count);
        Assert.Contains(rules.Endpoints, e => e.WorkloadId == $"{node}-db" && e.IngressIsolated);

        await grains.GetGrain<IPolicyGrain>($"{node}-p").DeleteAsync();
        await Wait.UntilAsync(async () => !(await nodeGrain.GetRulesAsync()).Policy.Any(e => e.Port == 5432), Timeout, "the entry to go");
    }

    [Fact]
    public async Task Subscribe_PolicyChange_ObserverReceivesNewRevision()
    {
        var grains = fixture.Grains;
        var node = $"obs-{Guid.NewGuid():N}"[..12];
        await grains.GetGrain<IWorkloadGrain>($"{node}-a").SetAsync(Workload($"{node}-a", node, "198.18.61.1", $"{node}-a"));
        var observer = new RecordingObserver();
        var reference = fixture.Cluster.Client.CreateObjectReference<INodeRulesObserver>(observer);
        var nodeGrain = grains.GetGrain<INodeGrain>(node);
        var first = await nodeGrain.SubscribeAsync(reference);
        Assert.NotNull(first);

        await grains.GetGrain<IPolicyGrain>($"{node}-iso").SetAsync(new PolicySpec
        {
            Id = $"{node}-iso",
            Selector = new LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = $"{node}-a" } },
            Ingress = [],
        });

        await Wait.UntilAsync(() => Task.FromResult(observer.LatestRevision > first!.Revision), Timeout, "a pushed revision");
        var status = await nodeGrain.GetStatusAsync();
        Assert.True(status.AgentConnected);
    }

    [Fact]
    public async Task Set_InvalidWorkload_ErrorsCrossTheSiloBoundary()
    {
        var invalid = Workload("bad-1", "node-x", "198.18.0.300", "x");

        var error = await Assert.ThrowsAsync<SpecValidationException>(() => fixture.Grains.GetGrain<IWorkloadGrain>("bad-1").SetAsync(invalid));

        Assert.Contains(error.Errors, e => e.Field == "addresses[0]");
        Assert.Null(await fixture.Grains.GetGrain<IWorkloadGrain>("bad-1").GetAsync());
    }

    [Fact]
    public async Task Get_MissingIds_LeaveNoActivations()
    {
        var ids = Enumerable.Range(0, 200).Select(i => $"missing-{Guid.NewGuid():N}").ToList();
        foreach (var id in ids)
            Assert.Null(await fixture.Grains.GetGrain<IWorkloadGrain>(id).GetAsync());

        var management = fixture.Grains.GetGrain<IManagementGrain>(0);
        await Wait.UntilAsync(async () =>
        {
            var stats = await management.GetSimpleGrainStatistics();
            return stats.Where(s => s.GrainType.Contains("WorkloadGrain", StringComparison.Ordinal)).Sum(s => s.ActivationCount) < 50;
        }, Timeout, "missing-id activations to be collected");
    }

    internal static WorkloadSpec Workload(string id, string node, string address, string app) => new()
    {
        Id = id,
        Node = node,
        Interface = $"v{id}"[..Math.Min(15, id.Length + 1)],
        Addresses = [address],
        Labels = new Dictionary<string, string> { ["app"] = app, ["node"] = node },
    };
}
