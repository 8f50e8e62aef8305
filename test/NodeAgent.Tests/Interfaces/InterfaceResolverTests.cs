using MicroSeg.NodeAgent.Interfaces;

namespace MicroSeg.NodeAgent.Tests.Interfaces;

public sealed class InterfaceResolverTests
{
    private static readonly Dictionary<string, LinkInfo> Links = new[]
    {
        new LinkInfo(1, "lo", null),
        new LinkInfo(2, "eth0", null),
        new LinkInfo(3, "br0", "bridge"),
        new LinkInfo(7, "vethweb", "veth"),
        new LinkInfo(9, "bond0", "bond"),
    }.ToDictionary(l => l.Name);

    private static InterfaceLookup Resolve(string name, params string[] patterns) =>
        new InterfaceResolver(new InterfaceAllowList(patterns)).Resolve(name, Links);

    [Fact]
    public void Resolve_Veth_AllowedByDefault() => Assert.Equal(new InterfaceLookup(7, null), Resolve("vethweb"));

    [Fact]
    public void Resolve_NoSuchDevice_Missing() => Assert.True(Resolve("vethgone").IsMissing);

    [Theory]
    [InlineData("eth0", "without a link kind (physical or loopback)")]
    [InlineData("lo", "without a link kind (physical or loopback)")]
    [InlineData("br0", "'bridge' device, not veth")]
    public void Resolve_NonVethByDefault_RefusedNamingKindAndFix(string name, string kind)
    {
        var lookup = Resolve(name);
        Assert.Equal(0, lookup.IfIndex);
        Assert.Contains(kind, lookup.Refusal);
        Assert.Contains($"--interfaces '{name}'", lookup.Refusal);
    }

    [Fact]
    public void Resolve_GlobsWiden_OnlyMatchingDevices()
    {
        Assert.Equal(new InterfaceLookup(9, null), Resolve("bond0", "bond*", "eth?x"));
        Assert.Equal(new InterfaceLookup(7, null), Resolve("vethweb", "bond*")); // veth stays allowed
        var refused = Resolve("eth0", "bond*", "eth?x");
        Assert.Contains("matches none of --interfaces bond*,eth?x", refused.Refusal);
    }

    [Fact]
    public void Resolve_InvalidName_RefusedBeforeAnyLookup()
    {
        // Even a table that somehow held the name does not get it through: the kernel's rules come first.
        var links = new Dictionary<string, LinkInfo>(Links) { ["eth0:1"] = new LinkInfo(11, "eth0:1", "veth") };
        var lookup = new InterfaceResolver(new InterfaceAllowList(["*"])).Resolve("eth0:1", links);
        Assert.Equal(0, lookup.IfIndex);
        Assert.StartsWith("invalid interface name:", lookup.Refusal);
    }

    [Theory]
    [InlineData("eth1", true)]
    [InlineData("bond*", true)]
    [InlineData("en?1*", true)]
    [InlineData("", false)]
    [InlineData("eth 1", false)]
    [InlineData("eth0:*", false)]
    [InlineData("averyveryverylongname", false)]
    public void CheckPattern_GlobOrDeviceName(string pattern, bool valid) =>
        Assert.Equal(valid, InterfaceAllowList.CheckPattern(pattern) is null);
}
