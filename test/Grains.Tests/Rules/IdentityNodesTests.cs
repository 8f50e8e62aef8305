using MicroSeg.Grains.Interfaces.Workloads;
using MicroSeg.Grains.Rules;

namespace MicroSeg.Grains.Tests.Rules;

public sealed class IdentityNodesTests
{
    [Fact]
    public void With_CountsWorkloadsPerNode_AndDropsANodeOnlyWhenItsLastWorkloadLeaves()
    {
        var (a, b, c) = (Workload("a", "n2"), Workload("b", "n1"), Workload("c", "n2"));
        var all = IdentityNodes.None.With([], [a, b, c]);
        Assert.Equal(["n1", "n2"], all.Nodes);

        var withoutA = all.With([a], []);
        Assert.Equal(["n1", "n2"], withoutA.Nodes);
        Assert.Equal(["n1"], withoutA.With([c], []).Nodes);
        // A move between nodes is a removal and an addition of the same workload.
        Assert.Equal(["n1", "n3"], withoutA.With([c], [c with { Spec = c.Spec with { Node = "n3" } }]).Nodes);
        Assert.Same(IdentityNodes.None, all.With([a, b, c], []));
        // Earlier instances are not changed.
        Assert.Equal(["n1", "n2"], all.Nodes);
    }

    [Fact]
    public void With_RefusesToRemoveAWorkloadFromANodeTheIdentityIsNotOn()
    {
        var nodes = IdentityNodes.None.With([], [Workload("a", "n1")]);
        var error = Assert.Throws<InvalidOperationException>(() => nodes.With([Workload("b", "n7")], []));
        Assert.Contains("n7", error.Message);
    }

    private static WorkloadRecord Workload(string id, string node) => new(new WorkloadSpec { Id = id, Node = node }, 300);
}
