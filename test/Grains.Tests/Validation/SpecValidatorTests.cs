using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Validation;
using MicroSeg.Grains.Interfaces.Workloads;

namespace MicroSeg.Grains.Tests.Validation;

public sealed class SpecValidatorTests
{
    private static readonly WorkloadSpec GoodWorkload = new()
    {
        Id = "web-1",
        Node = "node-a",
        Interface = "veth1",
        Addresses = ["198.18.0.1", "fd00:198:18::1"],
        Labels = new Dictionary<string, string> { ["app"] = "web", ["example.com/tier"] = "front", ["empty"] = "" },
        Ports = new Dictionary<string, string> { ["http"] = "TCP/80" },
    };

    [Fact]
    public void Validate_GoodWorkload_HasNoErrors()
    {
        Assert.Empty(WorkloadValidator.Validate(GoodWorkload));
    }

    public static TheoryData<WorkloadSpec, string> BadWorkloads => new()
    {
        { GoodWorkload with { Id = "Web_1" }, "id" },
        { GoodWorkload with { Node = "" }, "node" },
        { GoodWorkload with { Interface = "this-name-is-too-long" }, "interface" },
        { GoodWorkload with { Interface = "" }, "interface" },
        { GoodWorkload with { Interface = "veth\01" }, "interface" },
        { GoodWorkload with { Interface = "eth0:1" }, "interface" },
        { GoodWorkload with { Interface = "a/b" }, "interface" },
        { GoodWorkload with { Interface = "veth 1" }, "interface" },
        { GoodWorkload with { Interface = "vethéééééééé" }, "interface" },
        { GoodWorkload with { Interface = ".." }, "interface" },
        { GoodWorkload with { Addresses = ["010.000.000.001"] }, "addresses[0]" },
        { GoodWorkload with { Addresses = ["198.18.0.01"] }, "addresses[0]" },
        { GoodWorkload with { Addresses = ["198.18.0.1", "::ffff:198.18.0.1"] }, "addresses[1]" },
        { GoodWorkload with { Addresses = ["198.18.0.1", "198.18.0.300"] }, "addresses[1]" },
        { GoodWorkload with { Addresses = ["198.18.0.0/24"] }, "addresses[0]" },
        { GoodWorkload with { Addresses = ["198.18.1"] }, "addresses[0]" },
        { GoodWorkload with { Labels = new Dictionary<string, string> { ["-bad"] = "x" } }, "labels.-bad" },
        { GoodWorkload with { Labels = new Dictionary<string, string> { ["app"] = "has space" } }, "labels.app" },
        { GoodWorkload with { Ports = new Dictionary<string, string> { ["http"] = "TCP/0" } }, "ports.http" },
        { GoodWorkload with { Ports = new Dictionary<string, string> { ["http"] = "ICMP/80" } }, "ports.http" },
        { GoodWorkload with { Mode = (EnforcementMode)7 }, "mode" },
    };

    [Theory]
    [MemberData(nameof(BadWorkloads))]
    public void Validate_BadWorkload_NamesTheField(WorkloadSpec spec, string field)
    {
        var errors = WorkloadValidator.Validate(spec);
        Assert.Contains(errors, e => e.Field == field && e.Message.Contains(spec.Id, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("veth1")]
    [InlineData("abcdefghijklmno")]
    [InlineData("vethé")]
    public void Validate_InterfaceWithinKernelRules_IsAccepted(string name)
    {
        Assert.Empty(WorkloadValidator.Validate(GoodWorkload with { Interface = name }));
    }

    [Fact]
    public void Validate_InterfaceWithNul_MessageCarriesNoNul()
    {
        var error = Assert.Single(WorkloadValidator.Validate(GoodWorkload with { Interface = "veth\01" }));
        Assert.DoesNotContain('\0', error.Message);
        Assert.Contains("veth\\u00001", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SeveralProblems_ReportsEveryOne()
    {
        var errors = WorkloadValidator.Validate(GoodWorkload with { Node = "", Addresses = ["x", "y"] });
        Assert.Equal(["node", "addresses[0]", "addresses[1]"], errors.Select(e => e.Field));
    }

    private static readonly PolicySpec GoodPolicy = new()
    {
        Id = "db-ingress",
        Selector = new LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "db" } },
        Ingress =
        [
            new PolicyRule
            {
                From = [new PolicyPeer { Selector = new LabelSelector() }, new PolicyPeer { Cidr = "198.18.9.0/24", Except = ["198.18.9.0/25"] }],
                Ports = [new PolicyPort { Protocol = "TCP", Port = 5432 }, new PolicyPort { Protocol = "udp", Port = 1000, EndPort = 1010 }],
            },
        ],
    };

    [Fact]
    public void Validate_GoodPolicy_HasNoErrors()
    {
        Assert.Empty(PolicyValidator.Validate(GoodPolicy));
    }

    [Fact]
    public void Validate_WholePortRange_IsAccepted()
    {
        var spec = GoodPolicy with { Ingress = [new PolicyRule { Ports = [new PolicyPort { Protocol = "TCP", Port = 1, EndPort = 65535 }] }] };
        Assert.Empty(PolicyValidator.Validate(spec));
    }

    public static TheoryData<PolicySpec, string> BadPolicies => new()
    {
        { GoodPolicy with { Id = "" }, "id" },
        { GoodPolicy with { Ingress = null }, "ingress" },
        { GoodPolicy with { Ingress = [new PolicyRule { To = [] }] }, "ingress[0].to" },
        { GoodPolicy with { Ingress = [new PolicyRule { From = [new PolicyPeer()] }] }, "ingress[0].from[0]" },
        { GoodPolicy with { Ingress = [new PolicyRule { From = [new PolicyPeer { Cidr = "198.18.9.0" }] }] }, "ingress[0].from[0].cidr" },
        { GoodPolicy with { Ingress = [new PolicyRule { From = [new PolicyPeer { Cidr = "198.18.9.0/24", Except = ["198.18.10.0/25"] }] }] }, "ingress[0].from[0].except[0]" },
        { GoodPolicy with { Ingress = [new PolicyRule { Ports = [new PolicyPort { Protocol = "GRE" }] }] }, "ingress[0].ports[0].protocol" },
        { GoodPolicy with { Ingress = [new PolicyRule { Ports = [new PolicyPort { Port = 70000 }] }] }, "ingress[0].ports[0].port" },
        { GoodPolicy with { Ingress = [new PolicyRule { Ports = [new PolicyPort { Protocol = "ICMP", Port = 8 }] }] }, "ingress[0].ports[0].port" },
        { GoodPolicy with { Ingress = [new PolicyRule { Ports = [new PolicyPort { Port = "HTTP" }] }] }, "ingress[0].ports[0].port" },
        { GoodPolicy with { Ingress = [new PolicyRule { Ports = [new PolicyPort { Port = 90, EndPort = 80 }] }] }, "ingress[0].ports[0].endPort" },
        { GoodPolicy with { Ingress = [new PolicyRule { Ports = [new PolicyPort { EndPort = 80 }] }] }, "ingress[0].ports[0].endPort" },
        { GoodPolicy with { Ingress = [new PolicyRule { Ports = [new PolicyPort { Port = 1, EndPort = 65536 }] }] }, "ingress[0].ports[0].endPort" },
        { GoodPolicy with { Selector = new LabelSelector { MatchExpressions = [new LabelSelectorRequirement { Key = "app", Operator = "Maybe" }] } }, "selector.matchExpressions[0].operator" },
        { GoodPolicy with { Selector = new LabelSelector { MatchExpressions = [new LabelSelectorRequirement { Key = "app", Operator = "In" }] } }, "selector.matchExpressions[0].values" },
        { GoodPolicy with { Egress = [new PolicyRule { To = [new PolicyPeer { Selector = new LabelSelector { MatchLabels = new Dictionary<string, string> { ["a b"] = "x" } } }] }] }, "egress[0].to[0].selector.matchLabels.a b" },
    };

    [Theory]
    [MemberData(nameof(BadPolicies))]
    public void Validate_BadPolicy_NamesTheField(PolicySpec spec, string field)
    {
        var errors = PolicyValidator.Validate(spec);
        Assert.Contains(errors, e => e.Field == field);
    }
}
