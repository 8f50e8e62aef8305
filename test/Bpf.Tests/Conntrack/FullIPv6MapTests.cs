using System.Net;
using MicroSeg.Bpf.Tests.Fixtures;
using MicroSeg.Bpf.Tests.Packets;
using MicroSeg.Testing;
using static MicroSeg.Bpf.DatapathProgram;
using static MicroSeg.Bpf.ProgramRunResult;

namespace MicroSeg.Bpf.Tests.Conntrack;

/// <summary>
/// ms_conntrack6 is by default a quarter of ms_conntrack4, so it is the map that fills first. Full of live IPv6
/// flows it still fails closed (a denied flow is dropped, an allowed one is tracked by evicting an IPv6 entry), and
/// its fill takes nothing from the IPv4 map.
/// </summary>
public sealed class FullIPv6MapTests(DatapathFixture fixture) : IClassFixture<DatapathFixture>
{
    private const byte Syn = 0x02, Ack = 0x10;
    private static readonly FlowAddresses V4 = FlowAddresses.IPv4, V6 = FlowAddresses.IPv6;

    [Fact]
    public void FullIPv6Map_DeniedFlowStillDenied_AllowedFlowTrackedByEviction_IPv4Unaffected()
    {
        var pinDirectory = DatapathFixture.NewPinDirectory();
        try
        {
            using var datapath = Datapath.Load(new DatapathOptions
            {
                ObjectPath = RepoLayout.BpfObjectPath, PinDirectory = pinDirectory, ConntrackMaxEntries = 4096, ConntrackIPv6MaxEntries = 1024,
            });
            var ifIndex = (uint)fixture.PodA.HostIfIndex; // a real device: the test run needs one (the programs are not attached)
            foreach (var local in (string[])[V4.Local, V6.Local])
                datapath.SourceAddresses.Update(new SourceAddressKey(ifIndex, IPAddress.Parse(local)), default);
            datapath.Endpoints.Update(ifIndex, new EndpointValue(100, EndpointMode.Protect, EndpointFlags.EgressIsolated));
            datapath.Policy.Update(new PolicyKey(ifIndex, 0, 80, 6, TrafficDirection.Egress), new PolicyValue(7, PolicyAction.Allow));
            for (ushort port = 1; port <= 4096; port++)
                datapath.Conntrack.Update(Key(ifIndex, V6, port, 443), new ConntrackValue { LastSeenNs = ulong.MaxValue, Direction = TrafficDirection.Egress });
            Assert.InRange(datapath.Conntrack.IPv6.Keys().Count, 768, 1024); // 4,096 written: the LRU keeps close to its size
            Assert.Empty(datapath.Conntrack.IPv4.Keys());

            // Full of live flows: a flow policy denies (no rule for 443) is still dropped, SYN or not.
            Assert.Equal(TcActShot, Run(datapath, ifIndex, V6, 50000, 443, Syn));
            Assert.Equal(TcActShot, Run(datapath, ifIndex, V6, 50000, 443, Ack));
            Assert.False(datapath.Conntrack.TryLookup(Key(ifIndex, V6, 50000, 443), out _));

            // An allowed IPv6 flow evicts an IPv6 entry and is tracked.
            Assert.Equal(TcActOk, Run(datapath, ifIndex, V6, 50001, 80, Syn));
            Assert.True(datapath.Conntrack.TryLookup(Key(ifIndex, V6, 50001, 80), out var value));
            Assert.Equal((7u, ConntrackState.SynSent), (value.RuleId, value.State));

            // The IPv4 map has its own room: an allowed IPv4 flow is tracked without evicting anything of IPv6's.
            var ipv6Before = datapath.Conntrack.IPv6.Keys().Count;
            Assert.Equal(TcActOk, Run(datapath, ifIndex, V4, 50002, 80, Syn));
            Assert.True(datapath.Conntrack.TryLookup(Key(ifIndex, V4, 50002, 80), out _));
            Assert.Single(datapath.Conntrack.IPv4.Keys());
            Assert.Equal(ipv6Before, datapath.Conntrack.IPv6.Keys().Count);
        }
        finally
        {
            KernelTools.DeletePins(pinDirectory);
        }
    }

    private static int Run(Datapath datapath, uint ifIndex, FlowAddresses family, ushort localPort, ushort remotePort, byte flags) =>
        datapath.RunProgram(FromWorkload, PacketBuilder.Ip(family.Local, family.Peer).Tcp(localPort, remotePort, flags), (int)ifIndex).ReturnValue;

    private static ConntrackKey Key(uint ifIndex, FlowAddresses family, ushort localPort, ushort remotePort) =>
        new(ifIndex, TrafficDirection.Egress, 6, IPAddress.Parse(family.Local), localPort, IPAddress.Parse(family.Peer), remotePort);
}
