using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Workloads;
using MicroSeg.Grains.Rules;
using MicroSeg.Grains.Tests.Kubernetes;

namespace MicroSeg.Grains.Tests.Rules;

/// <summary>A cidr peer matches workload addresses inside it, minus its except blocks (DESIGN.md §6).</summary>
public sealed class CidrPeerWorkloadTests
{
    private const byte Tcp = 6;

    private static readonly WorkloadRecord A = Pod("a", "198.18.1.1", 256);
    private static readonly WorkloadRecord B = Pod("b", "198.18.1.2", 257);
    private static readonly WorkloadRecord C = Pod("c", "198.18.1.3", 258);

    [Fact]
    public void Compile_EgressBlockWithExceptOverWorkloads_AllowsInsideAndRefusesTheHole()
    {
        var policy = EgressFromA([new PolicyPeer { Cidr = "192.0.0.0/4", Except = ["198.18.1.2/32"] }]);
        var oracle = Oracle([A, B, C], [policy]);
        Assert.True(oracle.Allows("a", "198.18.1.1", "c", "198.18.1.3", Tcp, 80), "a->c is inside the block");
        Assert.False(oracle.Allows("a", "198.18.1.1", "b", "198.18.1.2", Tcp, 80), "a->b is in the except hole");
        Assert.True(oracle.Allows("a", "198.18.1.1", null, "198.19.0.1", Tcp, 80), "an outside address in the block");
    }

    [Fact]
    public void Compile_EgressBlockEqualToWorkloadAddress_AllowsThatWorkloadOnly()
    {
        var rules = NodeRuleCompiler.Compile("n1", [A, B, C], [EgressFromA([new PolicyPeer { Cidr = "198.18.1.2/32" }])], new NodeIdAllocations());
        Assert.NotEmpty(rules.Policy);
        var oracle = new PolicyOracle(rules);
        Assert.True(oracle.Allows("a", "198.18.1.1", "b", "198.18.1.2", Tcp, 80));
        Assert.False(oracle.Allows("a", "198.18.1.1", "c", "198.18.1.3", Tcp, 80));
    }

    [Fact]
    public void Compile_OneIdentityInsideAndOutsideBlock_BlockAdmitsOnlyTheInsideAddress()
    {
        // d1 and d2 share labels (one identity), but only d1 lies in the block: the block must not admit d2,
        // and a selector naming their labels must still admit both.
        var d1 = Pod("d1", "198.18.2.1", 300, app: "d");
        var d2 = Pod("d2", "198.18.3.1", 300, app: "d");
        var byBlock = EgressFromA([new PolicyPeer { Cidr = "198.18.2.0/24" }]);
        var oracle = Oracle([A, d1, d2], [byBlock]);
        Assert.True(oracle.Allows("a", "198.18.1.1", "d1", "198.18.2.1", Tcp, 80));
        Assert.False(oracle.Allows("a", "198.18.1.1", "d2", "198.18.3.1", Tcp, 80));

        var bySelector = new PolicySpec
        {
            Id = "sel", Selector = Sel("a"),
            Egress = [new PolicyRule { To = [new PolicyPeer { Selector = Sel("d") }], Ports = [new PolicyPort { Port = 443 }] }],
        };
        oracle = Oracle([A, d1, d2], [byBlock, bySelector]);
        Assert.True(oracle.Allows("a", "198.18.1.1", "d1", "198.18.2.1", Tcp, 443));
        Assert.True(oracle.Allows("a", "198.18.1.1", "d2", "198.18.3.1", Tcp, 443));
        Assert.True(oracle.Allows("a", "198.18.1.1", "d1", "198.18.2.1", Tcp, 80));
        Assert.False(oracle.Allows("a", "198.18.1.1", "d2", "198.18.3.1", Tcp, 80));
    }

    [Fact]
    public void Compile_IngressBlockOverWorkload_AdmitsIt()
    {
        var policy = new PolicySpec { Id = "in", Selector = Sel("c"), Ingress = [new PolicyRule { From = [new PolicyPeer { Cidr = "198.18.1.0/30" }] }] };
        var oracle = Oracle([A, B, C], [policy]);
        Assert.True(oracle.Allows("a", "198.18.1.1", "c", "198.18.1.3", Tcp, 80));
        Assert.True(oracle.Allows("b", "198.18.1.2", "c", "198.18.1.3", Tcp, 80));
        Assert.False(oracle.Allows(null, "198.18.1.4", "c", "198.18.1.3", Tcp, 80));
    }

    private static PolicyOracle Oracle(WorkloadRecord[] workloads, PolicySpec[] policies) =>
        new(NodeRuleCompiler.Compile("n1", workloads, policies, new NodeIdAllocations()));

    private static PolicySpec EgressFromA(PolicyPeer[] to) => new() { Id = "a-out", Selector = Sel("a"), Egress = [new PolicyRule { To = to }] };

    private static LabelSelector Sel(string app) => new() { MatchLabels = new Dictionary<string, string> { ["app"] = app } };

    private static WorkloadRecord Pod(string id, string address, uint identity, string? app = null) =>
        new(new WorkloadSpec { Id = id, Node = "n1", Interface = $"v{id}", Addresses = [address], Labels = new Dictionary<string, string> { ["app"] = app ?? id } }, identity);
}
