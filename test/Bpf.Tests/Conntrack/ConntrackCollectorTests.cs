using System.Net;
using MicroSeg.Bpf.Tests.Fixtures;
using MicroSeg.Bpf.Tests.Packets;

namespace MicroSeg.Bpf.Tests.Conntrack;

/// <summary>When the collector's pass is needed, and the batched read it makes, for each family (below).</summary>
public abstract class ConntrackCollectorTests(DatapathFixture fixture, FlowAddresses addresses) : IClassFixture<DatapathFixture>
{
    private readonly string Local = addresses.Local, Peer = addresses.Peer;
    private const byte Tcp = 6;

    private uint IfIndex => (uint)fixture.PodA.HostIfIndex;

    [Theory]
    [InlineData(1000)]
    [InlineData(7)]
    public void ReadAll_MoreEntriesThanABatch_ReturnsEachOnceWithItsValue(int batchSize)
    {
        fixture.Reset();
        for (ushort port = 1; port <= 3000; port++)
            fixture.Datapath.Conntrack.Update(Flow(port), new ConntrackValue { PacketsOriginal = port, RuleId = 7 });
        // The LRU may have made room early: what get_next_key walks is the truth to compare with.
        var walked = fixture.Datapath.Conntrack.Keys().Select(k => k.LocalPort).Order().ToList();

        var entries = fixture.Datapath.Conntrack.ReadAll(batchSize);

        Assert.True(walked.Count > batchSize, $"only {walked.Count} entries: not more than a batch");
        Assert.Equal(walked, entries.Select(e => e.Key.LocalPort).Order());
        Assert.All(entries, e => Assert.Equal((ulong)e.Key.LocalPort, e.Value.PacketsOriginal));
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(7)]
    [InlineData(1)]
    public void EntriesInBatches_MoreEntriesThanABatch_StreamsEachOnceWithItsValue(int batchSize)
    {
        fixture.Reset();
        for (ushort port = 1; port <= 3000; port++)
            fixture.Datapath.Conntrack.Update(Flow(port), new ConntrackValue { PacketsOriginal = port, RuleId = 7 });
        var walked = fixture.Datapath.Conntrack.Keys().Select(k => k.LocalPort).Order().ToList();

        var entries = fixture.Datapath.Conntrack.EntriesInBatches(batchSize).ToList();

        Assert.True(walked.Count > batchSize, $"only {walked.Count} entries: not more than a batch");
        Assert.Equal(walked, entries.Select(e => e.Key.LocalPort).Order());
        Assert.All(entries, e => Assert.Equal((ulong)e.Key.LocalPort, e.Value.PacketsOriginal));
    }

    [Fact]
    public void EntriesInBatches_EmptyTable_NoEntries()
    {
        fixture.Reset();
        Assert.Empty(fixture.Datapath.Conntrack.EntriesInBatches());
    }

    [Fact]
    public void PassNeeded_FirstAlways_ThenOnlyWhenNewFlowsMayFillTheTableOrAfterAPurge()
    {
        fixture.Reset();
        fixture.Datapath.SourceAddresses.Update(new SourceAddressKey(IfIndex, IPAddress.Parse(Local)), default);
        fixture.Datapath.Endpoints.Update(IfIndex, new EndpointValue(100, EndpointMode.Protect, EndpointFlags.None));
        var collector = new ConntrackCollector(fixture.Datapath);

        Assert.True(collector.PassNeeded(capacity: 1024, atFill: 0.5));
        collector.Collect();
        Assert.False(collector.PassNeeded(capacity: 1024, atFill: 0.5));

        for (ushort port = 40000; port < 40003; port++)
        {
            var result = fixture.Datapath.RunProgram(DatapathProgram.FromWorkload, PacketBuilder.Ip(Local, Peer).Tcp(port, 80), (int)IfIndex);
            Assert.Equal(ProgramRunResult.TcActOk, result.ReturnValue);
        }
        fixture.Events.Drain();
        // Three flows created: they may half fill a table of 4, not one of 1024.
        Assert.True(collector.PassNeeded(capacity: 4, atFill: 0.5));
        Assert.False(collector.PassNeeded(capacity: 1024, atFill: 0.5));

        // The pass counts what it left: the three live flows still weigh on a table of 4.
        Assert.Equal(3, collector.Collect().Scanned);
        Assert.True(collector.PassNeeded(capacity: 4, atFill: 0.5));
        Assert.False(collector.PassNeeded(capacity: 8, atFill: 0.5));

        // A purge makes the next pass due, whatever the table holds.
        collector.PurgeRevokedSources(new HashSet<uint> { IfIndex });
        Assert.True(collector.PassNeeded(capacity: 1024, atFill: 0.5));
        collector.Collect();
        Assert.False(collector.PassNeeded(capacity: 1024, atFill: 0.5));
    }

    [Fact]
    public void PassNeeded_EachFamilyWeighsOnlyOnItsOwnMap()
    {
        fixture.Reset();
        fixture.Datapath.SourceAddresses.Update(new SourceAddressKey(IfIndex, IPAddress.Parse(Local)), default);
        fixture.Datapath.Endpoints.Update(IfIndex, new EndpointValue(100, EndpointMode.Protect, EndpointFlags.None));
        var collector = new ConntrackCollector(fixture.Datapath);
        collector.Collect();
        var isIPv4 = IPAddress.Parse(Local).AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork;
        // (this family's map size, the other family's) as PassNeeded takes them: IPv4 first.
        bool PassNeeded(uint own, uint other) => isIPv4 ? collector.PassNeeded(own, other, 0.5) : collector.PassNeeded(other, own, 0.5);

        for (ushort port = 40000; port < 40003; port++)
        {
            var result = fixture.Datapath.RunProgram(DatapathProgram.FromWorkload, PacketBuilder.Ip(Local, Peer).Tcp(port, 80), (int)IfIndex);
            Assert.Equal(ProgramRunResult.TcActOk, result.ReturnValue);
        }
        fixture.Events.Drain();

        // Three new flows of this family: they may half fill its map of 4, but weigh nothing on the other family's.
        Assert.True(PassNeeded(own: 4, other: 1024));
        Assert.False(PassNeeded(own: 1024, other: 4));
        // After a pass the three live flows still count against their own map only.
        Assert.Equal(3, collector.Collect().Scanned);
        Assert.True(PassNeeded(own: 4, other: 1024));
        Assert.False(PassNeeded(own: 8, other: 4));
    }

    private ConntrackKey Flow(ushort localPort) =>
        new(IfIndex, TrafficDirection.Egress, Tcp, IPAddress.Parse(Local), localPort, IPAddress.Parse(Peer), 80);
}

public sealed class ConntrackCollectorIPv4Tests(DatapathFixture fixture) : ConntrackCollectorTests(fixture, FlowAddresses.IPv4);

public sealed class ConntrackCollectorIPv6Tests(DatapathFixture fixture) : ConntrackCollectorTests(fixture, FlowAddresses.IPv6);
