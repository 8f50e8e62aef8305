using System.Net;
using MicroSeg.Bpf;
using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Interfaces.Workloads;
using MicroSeg.NodeAgent.Interfaces;
using MicroSeg.NodeAgent.Programming;
using GrainAction = MicroSeg.Grains.Interfaces.Policies.PolicyAction;
using GrainDirection = MicroSeg.Grains.Interfaces.Nodes.TrafficDirection;

namespace MicroSeg.NodeAgent.Tests.Programming;

public sealed class DesiredMapsTests
{
    private static readonly Dictionary<string, int> Interfaces = new() { ["veth-a"] = 7, ["veth-b"] = 8 };

    private static NodeRules Rules(params PolicyEntry[] policy) => new(
        "n1", "epoch", 3,
        [
            new EndpointRule("a", "veth-a", 256, EnforcementMode.Protect, IngressIsolated: true, EgressIsolated: false, ["198.18.0.1", "fd00:198:18::1"]),
            new EndpointRule("b", "veth-b", 257, EnforcementMode.Monitor, IngressIsolated: false, EgressIsolated: true, []),
            new EndpointRule("c", "veth-missing", 258, EnforcementMode.Protect, false, false, ["198.18.0.3"]),
        ],
        [new IpCacheRule("198.18.0.2/32", 257), new IpCacheRule("198.18.9.0/24", 0x0100_0000)],
        policy);

    private static DesiredMaps From(NodeRules rules) => DesiredMaps.From(rules, name => new InterfaceLookup(Interfaces.GetValueOrDefault(name), null));

    [Fact]
    public void From_Endpoints_KeyedByIfindexWithModeAndIsolation()
    {
        var maps = From(Rules());
        Assert.Equal([7u, 8u], maps.Endpoints.Keys.Order());
        Assert.Equal(256u, maps.Endpoints[7].Identity);
        Assert.Equal(EndpointMode.Protect, maps.Endpoints[7].Mode);
        Assert.True(maps.Endpoints[7].Flags.HasFlag(EndpointFlags.IngressIsolated));
        Assert.False(maps.Endpoints[7].Flags.HasFlag(EndpointFlags.EgressIsolated));
        Assert.Equal(EndpointMode.Monitor, maps.Endpoints[8].Mode);
        Assert.True(maps.Endpoints[8].Flags.HasFlag(EndpointFlags.EgressIsolated));
    }

    [Fact]
    public void From_RefusedInterface_IsReportedWithReasonAndLeftOutWithItsEntries()
    {
        var rules = Rules(new PolicyEntry("b", GrainDirection.Ingress, 0, 6, 80, GrainAction.Allow, 1, "p/ingress/0"));
        var maps = DesiredMaps.From(rules, name => name == "veth-b"
            ? new InterfaceLookup(0, "not a veth")
            : new InterfaceLookup(Interfaces.GetValueOrDefault(name), null));

        Assert.Equal([new RefusedInterface("veth-b", "not a veth")], maps.RefusedInterfaces);
        Assert.Equal([7u], maps.Endpoints.Keys);
        Assert.Empty(maps.Policy);
        Assert.Equal(["veth-a"], maps.PresentInterfaces);
        Assert.Equal(["veth-missing"], maps.MissingInterfaces);
        Assert.Equal("veth-a", maps.InterfaceNames[7]);
    }

    [Fact]
    public void From_MissingInterface_IsReportedAndLeftOut()
    {
        var maps = From(Rules(new PolicyEntry("c", GrainDirection.Ingress, 0, 6, 80, GrainAction.Allow, 1, "p/ingress/0")));
        Assert.Equal(["veth-missing"], maps.MissingInterfaces);
        Assert.Equal(["veth-a", "veth-b"], maps.PresentInterfaces);
        Assert.Empty(maps.Policy);
    }

    [Fact]
    public void From_SourceAddresses_PerInterface_AndNoAddressesMeansNoSourceCheck()
    {
        var maps = From(Rules());
        Assert.Equal(2, maps.SourceAddresses.Count);
        Assert.Contains(new SourceAddressKey(7, IPAddress.Parse("198.18.0.1")), maps.SourceAddresses.Keys, ByteComparer<SourceAddressKey>.Instance);
        Assert.Contains(new SourceAddressKey(7, IPAddress.Parse("fd00:198:18::1")), maps.SourceAddresses.Keys, ByteComparer<SourceAddressKey>.Instance);
        Assert.False(maps.Endpoints[7].Flags.HasFlag(EndpointFlags.NoSourceCheck));
        Assert.True(maps.Endpoints[8].Flags.HasFlag(EndpointFlags.NoSourceCheck));
    }

    [Fact]
    public void From_OneAddressPerFamily_HeldInEndpointEntryAsComplete()
    {
        var endpoint = From(Rules()).Endpoints[7];
        Assert.Equal(EndpointSourceFlags.Ipv4 | EndpointSourceFlags.Ipv6 | EndpointSourceFlags.Complete, endpoint.SourceFlags);
        Assert.True(endpoint.HoldsSource(IPAddress.Parse("198.18.0.1")));
        Assert.True(endpoint.HoldsSource(IPAddress.Parse("fd00:198:18::1")));
        Assert.False(endpoint.HoldsSource(IPAddress.Parse("198.18.0.2")));
        Assert.False(endpoint.HoldsSource(IPAddress.Parse("fd00:198:18::2")));
    }

    [Fact]
    public void From_MoreAddressesThanFit_EntryHoldsFirstPerFamilyNotComplete_MapHoldsAll()
    {
        var rules = Rules() with
        {
            Endpoints = [new EndpointRule("a", "veth-a", 256, EnforcementMode.Protect, false, false, ["198.18.0.1", "198.18.0.11", "fd00:198:18::1"])],
        };
        var maps = From(rules);
        var endpoint = maps.Endpoints[7];
        Assert.Equal(EndpointSourceFlags.Ipv4 | EndpointSourceFlags.Ipv6, endpoint.SourceFlags);
        Assert.True(endpoint.HoldsSource(IPAddress.Parse("198.18.0.1")));
        Assert.False(endpoint.HoldsSource(IPAddress.Parse("198.18.0.11")));
        Assert.Equal(3, maps.SourceAddresses.Count);
    }

    [Fact]
    public void From_NoAddresses_EntryHoldsNone()
    {
        var endpoint = From(Rules()).Endpoints[8];
        Assert.True(endpoint.Flags.HasFlag(EndpointFlags.NoSourceCheck));
        Assert.False(endpoint.SourceFlags.HasFlag(EndpointSourceFlags.Ipv4) || endpoint.SourceFlags.HasFlag(EndpointSourceFlags.Ipv6));
    }

    [Fact]
    public void From_PolicyEntries_BecomeKeysOfTheirEndpoint()
    {
        var maps = From(Rules(
            new PolicyEntry("a", GrainDirection.Ingress, 257, 6, 80, GrainAction.Allow, 4, "p/ingress/0"),
            new PolicyEntry("b", GrainDirection.Egress, 0, 17, 53, GrainAction.Deny, 5, "d/egress/0")));
        var allow = maps.Policy[new PolicyKey(7, 257, 80, 6, MicroSeg.Bpf.TrafficDirection.Ingress)];
        Assert.Equal((4u, MicroSeg.Bpf.PolicyAction.Allow), (allow.RuleId, allow.Action));
        var deny = maps.Policy[new PolicyKey(8, 0, 53, 17, MicroSeg.Bpf.TrafficDirection.Egress)];
        Assert.Equal((5u, MicroSeg.Bpf.PolicyAction.Deny), (deny.RuleId, deny.Action));
    }

    [Fact]
    public void From_DenyEntries_ClearAllowOnlyForTheirDirectionOnly()
    {
        var maps = From(Rules(new PolicyEntry("b", GrainDirection.Egress, 0, 17, 53, GrainAction.Deny, 5, "d/egress/0")));
        Assert.True(maps.Endpoints[8].Flags.HasFlag(EndpointFlags.IngressAllowOnly));
        Assert.False(maps.Endpoints[8].Flags.HasFlag(EndpointFlags.EgressAllowOnly));
        Assert.True(maps.Endpoints[7].Flags.HasFlag(EndpointFlags.IngressAllowOnly | EndpointFlags.EgressAllowOnly));
    }

    [Fact]
    public void From_PortRange_BecomesRangeBlocksAndFlagsOnlyItsDirection()
    {
        var maps = From(Rules(
            new PolicyEntry("a", GrainDirection.Ingress, 257, 6, 1, GrainAction.Allow, 4, "p/ingress/0", EndPort: 65535),
            new PolicyEntry("a", GrainDirection.Ingress, 257, 6, 22, GrainAction.Deny, 5, "d/ingress/0")));

        Assert.Equal(16, maps.PolicyRanges.Count); // 1-65535 as aligned blocks
        Assert.All(maps.PolicyRanges, e => Assert.Equal((7u, 257u, (byte)6, 4u, MicroSeg.Bpf.PolicyAction.Allow),
            (e.Key.IfIndex, e.Key.RemoteIdentity, e.Key.Protocol, e.Value.RuleId, e.Value.Action)));
        Assert.Equal([(ushort)1, (ushort)65535], new[] { maps.PolicyRanges.Keys.Min(k => k.FirstPort), maps.PolicyRanges.Keys.Max(k => k.LastPort) });
        var exact = Assert.Single(maps.Policy);
        Assert.Equal(((ushort)22, MicroSeg.Bpf.PolicyAction.Deny), (exact.Key.Port, exact.Value.Action));
        Assert.True(maps.Endpoints[7].Flags.HasFlag(EndpointFlags.IngressRanges));
        Assert.False(maps.Endpoints[7].Flags.HasFlag(EndpointFlags.EgressRanges));
        Assert.False(maps.Endpoints[8].Flags.HasFlag(EndpointFlags.IngressRanges));
    }

    [Fact]
    public void From_PolicyKeys_EndpointMarksOnlyTheShapesItHasNoKeyOfAsAbsent()
    {
        var maps = From(Rules(
            new PolicyEntry("a", GrainDirection.Ingress, 257, 6, 80, GrainAction.Allow, 4, "p/ingress/0"),
            new PolicyEntry("a", GrainDirection.Ingress, 0, 6, 22, GrainAction.Deny, 5, "d/ingress/0"),
            new PolicyEntry("a", GrainDirection.Egress, 0, 0, 0, GrainAction.Allow, 6, "p/egress/0"),
            new PolicyEntry("b", GrainDirection.Egress, 257, 17, 0, GrainAction.Allow, 7, "q/egress/0"),
            new PolicyEntry("a", GrainDirection.Ingress, 257, 6, 1000, GrainAction.Allow, 8, "r/ingress/0", EndPort: 2000)));

        Assert.Equal(PolicyKeyShapes.All & ~(PolicyKeyShapes.PeerPort | PolicyKeyShapes.AnyPeerPort), maps.Endpoints[7].AbsentIngress);
        Assert.Equal(PolicyKeyShapes.All & ~PolicyKeyShapes.AnyPeerAll, maps.Endpoints[7].AbsentEgress);
        Assert.Equal(PolicyKeyShapes.All, maps.Endpoints[8].AbsentIngress);
        Assert.Equal(PolicyKeyShapes.All & ~PolicyKeyShapes.PeerProtocol, maps.Endpoints[8].AbsentEgress);
    }

    [Fact]
    public void From_NoRanges_LeavesRangeFlagsOff()
    {
        var maps = From(Rules(new PolicyEntry("a", GrainDirection.Ingress, 257, 6, 80, GrainAction.Allow, 4, "p/ingress/0")));
        Assert.Empty(maps.PolicyRanges);
        Assert.All(maps.Endpoints.Values, e => Assert.Equal(EndpointFlags.None, e.Flags & (EndpointFlags.IngressRanges | EndpointFlags.EgressRanges)));
    }

    [Fact]
    public void From_IpCache_SingleAddressesToHostsBlocksToTrie()
    {
        var maps = From(Rules());
        Assert.Equal(257u, Assert.Single(maps.IpCacheHosts, e => e.Key.ToString() == "198.18.0.2/32").Value.Identity);
        Assert.Equal(0x0100_0000u, Assert.Single(maps.IpCache).Value.Identity);
        Assert.Equal("198.18.9.0/24", maps.IpCache.Keys.Single().ToString());
    }
}
