using System.Net;
using MicroSeg.Bpf.Tests.Fixtures;
using MicroSeg.Bpf.Tests.Packets;
using MicroSeg.Testing;
using static MicroSeg.Bpf.DatapathProgram;
using static MicroSeg.Bpf.ProgramRunResult;

namespace MicroSeg.Bpf.Tests.Conntrack;

/// <summary>
/// The conntrack table is two maps, ms_conntrack4 and ms_conntrack6: each flow goes to its family's map, and
/// every walk, collection and purge covers both; a full IPv4 map never lets a denied flow through.
/// </summary>
public sealed class ConntrackTableTests(DatapathFixture fixture) : IClassFixture<DatapathFixture>
{
    private const byte Syn = 0x02, Ack = 0x10;
    private static readonly FlowAddresses V4 = FlowAddresses.IPv4, V6 = FlowAddresses.IPv6;

    private uint IfIndex => (uint)fixture.PodA.HostIfIndex;

    [Fact]
    public void ProgramsTrackEachFamilyInItsMap_WalksReturnBoth_ClearEmptiesBoth()
    {
        Arrange(EndpointFlags.None, V4.Local, V6.Local);
        Assert.Equal(TcActOk, Run(FromWorkload, V4.Local, 40000, V4.Peer, 80, Syn));
        Assert.Equal(TcActOk, Run(FromWorkload, V6.Local, 40001, V6.Peer, 80, Syn));
        var table = fixture.Datapath.Conntrack;

        Assert.Equal([Key(V4, 40000).ToString()], table.IPv4.Keys().Select(k => k.ToKey().ToString()));
        Assert.Equal([Key(V6, 40001).ToString()], table.IPv6.Keys().Select(k => k.ToString()));
        var expected = new[] { Key(V4, 40000).ToString(), Key(V6, 40001).ToString() }.Order().ToList();
        Assert.Equal(expected, table.Keys().Select(k => k.ToString()).Order());
        Assert.Equal(expected, table.Entries().Select(e => e.Key.ToString()).Order());
        Assert.Equal(expected, table.EntriesInBatches(1).Select(e => e.Key.ToString()).Order());
        Assert.All(table.ReadAll(), e => Assert.Equal((ConntrackState.SynSent, 1ul), (e.Value.State, e.Value.PacketsOriginal)));
        Assert.True(table.TryLookup(Key(V4, 40000), out _));
        Assert.True(table.TryLookup(Key(V6, 40001), out _));

        Assert.Equal(2, table.Clear());
        Assert.Empty(table.Keys());
    }

    [Fact]
    public void PurgeAndCollect_ReachBothMaps()
    {
        Arrange(EndpointFlags.None, V4.Local, V6.Local);
        Run(FromWorkload, V4.Local, 40010, V4.Peer, 80, Syn);
        Run(FromWorkload, V6.Local, 40011, V6.Peer, 80, Syn);
        Run(FromWorkload, V4.Local, 40012, V4.Peer, 80, Syn);
        Run(FromWorkload, V6.Local, 40013, V6.Peer, 80, Syn);
        var collector = new ConntrackCollector(fixture.Datapath);

        Assert.Equal(4, collector.Collect().Scanned);
        RevokeSource(V4.Local);
        RevokeSource(V6.Local);
        Assert.Equal(4, collector.PurgeRevokedSources(new HashSet<uint> { IfIndex }));
        Assert.Empty(fixture.Datapath.Conntrack.Keys());
        Assert.Equal(TcActShot, Run(FromWorkload, V4.Local, 40010, V4.Peer, 80, Ack));
        Assert.Equal(TcActShot, Run(FromWorkload, V6.Local, 40011, V6.Peer, 80, Ack));
    }

    [Fact]
    public void FullIPv4Map_DeniedFlowStillDenied_AllowedFlowTrackedByEviction()
    {
        var pinDirectory = DatapathFixture.NewPinDirectory();
        try
        {
            using var datapath = Datapath.Load(new DatapathOptions
            {
                ObjectPath = RepoLayout.BpfObjectPath, PinDirectory = pinDirectory, ConntrackMaxEntries = 1024,
            });
            datapath.SourceAddresses.Update(new SourceAddressKey(IfIndex, IPAddress.Parse(V4.Local)), default);
            datapath.Endpoints.Update(IfIndex, new EndpointValue(100, EndpointMode.Protect, EndpointFlags.EgressIsolated));
            datapath.Policy.Update(new PolicyKey(IfIndex, 0, 80, 6, TrafficDirection.Egress), new PolicyValue(7, PolicyAction.Allow));
            for (ushort port = 1; port <= 4096; port++)
                datapath.Conntrack.Update(Key(V4, port, 443), new ConntrackValue { LastSeenNs = ulong.MaxValue, Direction = TrafficDirection.Egress });
            var full = datapath.Conntrack.IPv4.Keys().Count;
            Assert.InRange(full, 768, 1024); // 4,096 written: the LRU keeps close to its size

            // The map is full of live flows: a flow policy denies (no rule for 443) is still dropped, SYN or not.
            Assert.Equal(TcActShot, datapath.RunProgram(FromWorkload, PacketBuilder.Ip(V4.Local, V4.Peer).Tcp(50000, 443, Syn), (int)IfIndex).ReturnValue);
            Assert.Equal(TcActShot, datapath.RunProgram(FromWorkload, PacketBuilder.Ip(V4.Local, V4.Peer).Tcp(50000, 443, Ack), (int)IfIndex).ReturnValue);
            Assert.False(datapath.Conntrack.TryLookup(Key(V4, 50000, 443), out _));

            Assert.Equal(TcActOk, datapath.RunProgram(FromWorkload, PacketBuilder.Ip(V4.Local, V4.Peer).Tcp(50001, 80, Syn), (int)IfIndex).ReturnValue);
            Assert.True(datapath.Conntrack.TryLookup(Key(V4, 50001), out var value));
            Assert.Equal((7u, ConntrackState.SynSent), (value.RuleId, value.State));
            Assert.Empty(datapath.Conntrack.IPv6.Keys());
        }
        finally
        {
            Directory.Delete(pinDirectory, recursive: true);
        }
    }

    [Fact]
    public void KeyOfNoFamily_Refused()
    {
        var key = new ConntrackKey { IfIndex = 3, Family = (IpFamily)5, Protocol = 6 };
        var error = Assert.Throws<ArgumentException>(() => fixture.Datapath.Conntrack.Update(key, default));
        Assert.Contains("family 5", error.Message);
        Assert.Throws<ArgumentException>(() => fixture.Datapath.Conntrack.TryLookup(key, out _));
    }

    private void Arrange(EndpointFlags flags, params string[] addresses)
    {
        fixture.Reset();
        foreach (var address in addresses)
            fixture.Datapath.SourceAddresses.Update(new SourceAddressKey(IfIndex, IPAddress.Parse(address)), default);
        fixture.Datapath.Endpoints.Update(IfIndex, new EndpointValue(100, EndpointMode.Protect, flags));
    }

    private void RevokeSource(string address) =>
        Assert.True(fixture.Datapath.SourceAddresses.Delete(new SourceAddressKey(IfIndex, IPAddress.Parse(address))));

    private int Run(DatapathProgram program, string source, ushort sourcePort, string destination, ushort destinationPort, byte flags)
    {
        var result = fixture.Datapath.RunProgram(program, PacketBuilder.Ip(source, destination).Tcp(sourcePort, destinationPort, flags), (int)IfIndex);
        fixture.Events.Drain();
        return result.ReturnValue;
    }

    private ConntrackKey Key(FlowAddresses family, ushort localPort, ushort remotePort = 80) =>
        new(IfIndex, TrafficDirection.Egress, 6, IPAddress.Parse(family.Local), localPort, IPAddress.Parse(family.Peer), remotePort);
}
