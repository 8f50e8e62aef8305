using System.Net;
using MicroSeg.Bpf;
using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Interfaces.Workloads;
using MicroSeg.NodeAgent.Interfaces;
using MicroSeg.NodeAgent.Programming;

namespace MicroSeg.NodeAgent.Tests.Programming;

public sealed class NarrowedSourcesTests
{
    private static readonly Dictionary<string, int> Interfaces = new() { ["veth-a"] = 7, ["veth-b"] = 8 };

    private static DesiredMaps Desired(params EndpointRule[] endpoints) =>
        DesiredMaps.From(new NodeRules("n1", "epoch", 3, endpoints, [], []), name => new InterfaceLookup(Interfaces.GetValueOrDefault(name), null));

    private static EndpointRule A(params string[] addresses) => new("a", "veth-a", 256, EnforcementMode.Protect, false, false, addresses);

    private static EndpointRule B(params string[] addresses) => new("b", "veth-b", 257, EnforcementMode.Protect, false, false, addresses);

    private static SourceAddressKey Source(uint ifindex, string address) => new(ifindex, IPAddress.Parse(address));

    private static EndpointValue? Checked(uint ifindex) => new EndpointValue(256, EndpointMode.Protect, EndpointFlags.None);

    [Fact]
    public void Find_AddressTakenFromPresentEndpoint_ListsIt()
    {
        var narrowed = NarrowedSources.Find(Desired(A("198.18.0.1"), B("198.18.0.2")),
            [Source(7, "198.18.0.1"), Source(7, "198.18.0.9"), Source(8, "198.18.0.2")], Checked);
        Assert.Equal([7u], narrowed);
    }

    [Fact]
    public void Find_AddressesOnlyAdded_ListsNothing()
    {
        var narrowed = NarrowedSources.Find(Desired(A("198.18.0.1", "198.18.0.9")), [Source(7, "198.18.0.1")], Checked);
        Assert.Empty(narrowed);
    }

    [Fact]
    public void Find_EndpointGoneEntirely_ListsNothing()
    {
        var narrowed = NarrowedSources.Find(Desired(A("198.18.0.1")), [Source(7, "198.18.0.1"), Source(8, "198.18.0.2")], Checked);
        Assert.Empty(narrowed);
    }

    [Fact]
    public void Find_SourceCheckSwitchedOn_ListsIt()
    {
        var open = new EndpointValue(256, EndpointMode.Protect, EndpointFlags.NoSourceCheck);
        var narrowed = NarrowedSources.Find(Desired(A("198.18.0.1"), B()), [], i => open);
        Assert.Equal([7u], narrowed); // b has no addresses: still unchecked, nothing narrows
    }
}
