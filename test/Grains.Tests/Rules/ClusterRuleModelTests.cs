using MicroSeg.Grains.Interfaces.Namespaces;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Workloads;
using MicroSeg.Grains.Rules;

namespace MicroSeg.Grains.Tests.Rules;

public sealed class ClusterRuleModelTests
{
    private static readonly IReadOnlyList<WorkloadRecord> Workloads =
    [
        new(new WorkloadSpec { Id = "b", Node = "n1", Interface = "vb", Addresses = ["198.18.0.20"], Labels = new Dictionary<string, string> { ["app"] = "web" } }, 256),
        new(new WorkloadSpec { Id = "a", Node = "n1", Interface = "va", Addresses = ["198.18.0.3"], Labels = new Dictionary<string, string> { ["app"] = "db" } }, 257),
        new(new WorkloadSpec { Id = "c", Node = "n2", Addresses = ["198.18.0.100"], Labels = new Dictionary<string, string> { ["app"] = "web" } }, 256),
    ];

    private static readonly IReadOnlyList<PolicySpec> Policies =
    [
        new() { Id = "web", Selector = new LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } }, Ingress = [] },
        new() { Id = "draft", Selector = new LabelSelector(), Ingress = [], Draft = true },
    ];

    private static readonly IReadOnlyList<NamespaceSpec> Namespaces = [];

    [Fact]
    public void Shared_SameSnapshots_OneModel_ChangedSnapshot_NewModel()
    {
        var first = ClusterRuleModel.Shared(Workloads, Policies, Namespaces);
        Assert.Same(first, ClusterRuleModel.Shared(Workloads, Policies, Namespaces));
        Assert.NotSame(first, ClusterRuleModel.Shared([.. Workloads], Policies, Namespaces));
    }

    [Fact]
    public void Model_HostsInIpcacheOrder_EndpointsByNodeInIdOrder_DraftsLeftOut()
    {
        var model = new ClusterRuleModel(Workloads, Policies, NamespaceLabels.Empty);

        Assert.Equal(["198.18.0.100/32", "198.18.0.20/32", "198.18.0.3/32"], model.Hosts.Select(h => h.Rule.Cidr));
        Assert.Equal(["a", "b"], model.LocalTo("n1").Select(w => w.Spec.Id));
        Assert.Empty(model.LocalTo("n2"));
        Assert.Equal(["web"], model.Policies.Select(p => p.Id));
        Assert.Equal(["web"], model.Selecting(Workloads[0]).Select(p => p.Id));
        Assert.Empty(model.Selecting(Workloads[1]));
    }
}
