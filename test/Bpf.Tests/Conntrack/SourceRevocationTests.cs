using System.Net;
using MicroSeg.Bpf.Tests.Fixtures;
using MicroSeg.Bpf.Tests.Packets;
using static MicroSeg.Bpf.DatapathProgram;
using static MicroSeg.Bpf.ProgramRunResult;

namespace MicroSeg.Bpf.Tests.Conntrack;

/// <summary>
/// The data path checks a workload's source address once per flow (when the workload opens it, or
/// on its first packet on a flow the peer opened); taking the address away must therefore end the
/// flows that carry it (purge, and the collector's pass), so a revoked address keeps nothing alive.
/// For each family (below).
/// </summary>
public abstract class SourceRevocationTests(DatapathFixture fixture, FlowAddresses addresses) : IClassFixture<DatapathFixture>
{
    private readonly string Local = addresses.Local, Peer = addresses.Peer, Other = addresses.Other;
    private const byte Syn = 0x02, Ack = 0x10, SynAck = 0x12;

    private uint IfIndex => (uint)fixture.PodA.HostIfIndex;

    [Fact]
    public void WorkloadOpenedFlow_AddressRevokedThenPurged_NextPacketIsSpoofed()
    {
        Arrange(EndpointFlags.None, Local);
        Run(FromWorkload, Tcp(Local, 40000, Peer, 80, Syn), TcActOk, FlowReason.DefaultAllow);
        RevokeSource(Local);

        // Until the purge the flow is trusted: its source was checked when it opened.
        Run(FromWorkload, Tcp(Local, 40000, Peer, 80, Ack), TcActOk, FlowReason.ConntrackEstablished);
        Assert.Equal(1, Purge(IfIndex));
        Run(FromWorkload, Tcp(Local, 40000, Peer, 80, Ack), TcActShot, FlowReason.Spoofed);
        Assert.Empty(fixture.Datapath.Conntrack.Keys());
    }

    [Fact]
    public void PeerOpenedFlow_FirstReplyChecked_ThenSkipsCheckUntilPurged()
    {
        Arrange(EndpointFlags.None, Local);
        Run(ToWorkload, Tcp(Peer, 40001, Local, 80, Syn), TcActOk, FlowReason.DefaultAllow);
        var key = Key(TrafficDirection.Ingress, Peer, 40001, Local, 80);
        Assert.False(Flags(key).HasFlag(ConntrackFlags.LocalChecked));

        Run(FromWorkload, Tcp(Local, 80, Peer, 40001, SynAck), TcActOk, FlowReason.ConntrackReply);
        Assert.True(Flags(key).HasFlag(ConntrackFlags.LocalChecked));
        RevokeSource(Local);
        Run(FromWorkload, Tcp(Local, 80, Peer, 40001, Ack), TcActOk, FlowReason.ConntrackReply);

        Assert.Equal(1, Purge(IfIndex));
        Run(FromWorkload, Tcp(Local, 80, Peer, 40001, Ack), TcActShot, FlowReason.Spoofed);
    }

    [Fact]
    public void PeerOpenedFlow_ToAddressTheEntryHolds_CheckedAtOpen_ReplyTakesFastPath_PurgedWhenRevoked()
    {
        // The check of the workload's replies would pass from the entry alone: done once, when the flow opens.
        ArrangeHolding(Local);
        Run(ToWorkload, Tcp(Peer, 40020, Local, 80, Syn), TcActOk, FlowReason.DefaultAllow);
        var key = Key(TrafficDirection.Ingress, Peer, 40020, Local, 80);
        Assert.True(Flags(key).HasFlag(ConntrackFlags.LocalChecked));
        Run(FromWorkload, Tcp(Local, 80, Peer, 40020, SynAck), TcActOk, FlowReason.ConntrackReply);

        fixture.Datapath.SourceAddresses.Update(new SourceAddressKey(IfIndex, IPAddress.Parse(Other)), default);
        fixture.Datapath.Endpoints.Update(IfIndex, Holding(Other));
        RevokeSource(Local);
        Assert.Equal(1, Purge(IfIndex));
        Run(FromWorkload, Tcp(Local, 80, Peer, 40020, Ack), TcActShot, FlowReason.Spoofed);
    }

    [Fact]
    public void PeerOpenedFlow_ToAddressNotTheWorkloads_NotCheckedAtOpen_ReplyIsSpoofed()
    {
        // A flow to an address the workload does not own (the entry holds another, the map has none of it)
        // is not marked checked: the workload's reply from that address is refused.
        ArrangeHolding(Local);
        Run(ToWorkload, Tcp(Peer, 40021, Other, 80, Syn), TcActOk, FlowReason.DefaultAllow);
        Assert.False(Flags(Key(TrafficDirection.Ingress, Peer, 40021, Other, 80)).HasFlag(ConntrackFlags.LocalChecked));
        Run(FromWorkload, Tcp(Other, 80, Peer, 40021, SynAck), TcActShot, FlowReason.Spoofed);
    }

    [Fact]
    public void PeerOpenedFlow_EndpointWithoutSourceCheck_CheckedAtOpen_PurgedWhenCheckSwitchedOn()
    {
        Arrange(EndpointFlags.NoSourceCheck);
        Run(ToWorkload, Tcp(Peer, 40022, Other, 80, Syn), TcActOk, FlowReason.DefaultAllow);
        Assert.True(Flags(Key(TrafficDirection.Ingress, Peer, 40022, Other, 80)).HasFlag(ConntrackFlags.LocalChecked));
        Run(FromWorkload, Tcp(Other, 80, Peer, 40022, SynAck), TcActOk, FlowReason.ConntrackReply);

        fixture.Datapath.SourceAddresses.Update(new SourceAddressKey(IfIndex, IPAddress.Parse(Local)), default);
        fixture.Datapath.Endpoints.Update(IfIndex, new EndpointValue(100, EndpointMode.Protect, EndpointFlags.None));
        Assert.Equal(1, Purge(IfIndex));
        Run(FromWorkload, Tcp(Other, 80, Peer, 40022, Ack), TcActShot, FlowReason.Spoofed);
    }

    [Fact]
    public void Purge_OwnedAddressOtherEndpointAndUncheckedPeerFlow_AreKept()
    {
        Arrange(EndpointFlags.None, Local, Other);
        var podB = (uint)fixture.PodB.HostIfIndex;
        fixture.Datapath.SourceAddresses.Update(new SourceAddressKey(podB, IPAddress.Parse(Other)), default);
        fixture.Datapath.Endpoints.Update(podB, new EndpointValue(101, EndpointMode.Protect, EndpointFlags.None));
        Run(FromWorkload, Tcp(Local, 40002, Peer, 80, Syn), TcActOk, FlowReason.DefaultAllow);   // owned: kept
        Run(FromWorkload, Tcp(Other, 40003, Peer, 80, Syn), TcActOk, FlowReason.DefaultAllow);   // revoked below: purged
        Run(ToWorkload, Tcp(Peer, 40004, Other, 80, Syn), TcActOk, FlowReason.DefaultAllow);     // never replied: checked anyway
        fixture.Datapath.RunProgram(FromWorkload, Tcp(Other, 40005, Peer, 80, Syn), (int)podB); // other endpoint: kept
        RevokeSource(Other);

        Assert.Equal(1, Purge(IfIndex));
        Assert.Equal(
            new[] { Key(TrafficDirection.Egress, Local, 40002, Peer, 80), Key(TrafficDirection.Ingress, Peer, 40004, Other, 80),
                new ConntrackKey(podB, TrafficDirection.Egress, 6, IPAddress.Parse(Other), 40005, IPAddress.Parse(Peer), 80) }
                .Select(k => k.ToString()).Order(),
            fixture.Datapath.Conntrack.Keys().Select(k => k.ToString()).Order());
    }

    [Fact]
    public void Purge_SourceCheckSwitchedOn_DropsFlowsFromAddressesNotRegistered()
    {
        Arrange(EndpointFlags.NoSourceCheck);
        Run(FromWorkload, Tcp(Other, 40006, Peer, 80, Syn), TcActOk, FlowReason.DefaultAllow);
        fixture.Datapath.SourceAddresses.Update(new SourceAddressKey(IfIndex, IPAddress.Parse(Local)), default);
        fixture.Datapath.Endpoints.Update(IfIndex, new EndpointValue(100, EndpointMode.Protect, EndpointFlags.None));

        Assert.Equal(1, Purge(IfIndex));
        Run(FromWorkload, Tcp(Other, 40006, Peer, 80, Ack), TcActShot, FlowReason.Spoofed);
    }

    [Fact]
    public void Collect_LiveFlowOfRevokedAddress_IsDroppedAndCountedApartFromEnded()
    {
        Arrange(EndpointFlags.None, Local);
        Run(FromWorkload, Tcp(Local, 40007, Peer, 80, Syn), TcActOk, FlowReason.DefaultAllow);
        RevokeSource(Local);

        var result = new ConntrackCollector(fixture.Datapath).Collect();

        Assert.Equal((1, 0, 1), (result.Scanned, result.Ended.Count, result.Revoked));
        Assert.Empty(fixture.Datapath.Conntrack.Keys());
    }

    [Fact]
    public void EntryHeldAddress_ReplacedInEntryThenPurged_NextPacketIsSpoofed()
    {
        // As the agent writes it: the address in the endpoint entry (complete) and in the map.
        ArrangeHolding(Local);
        Run(FromWorkload, Tcp(Local, 40010, Peer, 80, Syn), TcActOk, FlowReason.DefaultAllow);
        RevokeSource(Local);
        // Still held in the entry: the data path takes it, so the purge keeps the flow.
        Assert.Equal(0, Purge(IfIndex));

        fixture.Datapath.SourceAddresses.Update(new SourceAddressKey(IfIndex, IPAddress.Parse(Other)), default);
        fixture.Datapath.Endpoints.Update(IfIndex, Holding(Other));
        Assert.Equal(1, Purge(IfIndex));
        Run(FromWorkload, Tcp(Local, 40010, Peer, 80, Ack), TcActShot, FlowReason.Spoofed);
        Run(FromWorkload, Tcp(Other, 40011, Peer, 80, Syn), TcActOk, FlowReason.DefaultAllow);
    }

    [Fact]
    public void Purge_EntryHoldsAllAddresses_MapNotConsulted()
    {
        // A complete entry decides alone (as the data path): a stray map entry keeps nothing alive,
        // and an address held only in the entry is owned.
        ArrangeHolding(Local);
        fixture.Datapath.SourceAddresses.Delete(new SourceAddressKey(IfIndex, IPAddress.Parse(Local)));
        Run(FromWorkload, Tcp(Local, 40012, Peer, 80, Syn), TcActOk, FlowReason.DefaultAllow);
        fixture.Datapath.Endpoints.Update(IfIndex, new EndpointValue(100, EndpointMode.Protect, EndpointFlags.NoSourceCheck));
        Run(FromWorkload, Tcp(Other, 40013, Peer, 80, Syn), TcActOk, FlowReason.DefaultAllow);
        fixture.Datapath.SourceAddresses.Update(new SourceAddressKey(IfIndex, IPAddress.Parse(Other)), default);
        fixture.Datapath.Endpoints.Update(IfIndex, Holding(Local));

        Assert.Equal(1, Purge(IfIndex));
        Assert.Equal([Key(TrafficDirection.Egress, Local, 40012, Peer, 80).ToString()],
            fixture.Datapath.Conntrack.Keys().Select(k => k.ToString()));
        Run(FromWorkload, Tcp(Other, 40013, Peer, 80, Ack), TcActShot, FlowReason.Spoofed);
    }

    [Fact]
    public void MoreAddressesThanFit_AddressOnlyInMapRevokedThenPurged_NextPacketIsSpoofed()
    {
        ArrangeHolding(Local, Other);
        Run(FromWorkload, Tcp(Other, 40014, Peer, 80, Syn), TcActOk, FlowReason.DefaultAllow);
        Run(FromWorkload, Tcp(Local, 40015, Peer, 80, Syn), TcActOk, FlowReason.DefaultAllow);
        RevokeSource(Other);
        fixture.Datapath.Endpoints.Update(IfIndex, Holding(Local));

        Assert.Equal(1, Purge(IfIndex));
        Run(FromWorkload, Tcp(Other, 40014, Peer, 80, Ack), TcActShot, FlowReason.Spoofed);
        Run(FromWorkload, Tcp(Local, 40015, Peer, 80, Ack), TcActOk, FlowReason.ConntrackEstablished);
    }

    [Fact]
    public void ConntrackHit_EndpointGone_PassesAsEstablished()
    {
        Arrange(EndpointFlags.None, Local);
        Run(FromWorkload, Tcp(Local, 40008, Peer, 80, Syn), TcActOk, FlowReason.DefaultAllow);
        fixture.Datapath.Endpoints.Delete(IfIndex);

        // A live flow needs no endpoint entry (its verdict was given when it opened); a new one passes unmanaged.
        Run(FromWorkload, Tcp(Local, 40008, Peer, 80, Ack), TcActOk, FlowReason.ConntrackEstablished);
        Run(FromWorkload, Tcp(Local, 40009, Peer, 80, Syn), TcActOk, FlowReason.NoEndpoint);
    }

    private void Arrange(EndpointFlags flags, params string[] addresses)
    {
        fixture.Reset();
        foreach (var address in addresses)
            fixture.Datapath.SourceAddresses.Update(new SourceAddressKey(IfIndex, IPAddress.Parse(address)), default);
        fixture.Datapath.Endpoints.Update(IfIndex, new EndpointValue(100, EndpointMode.Protect, flags));
    }

    private static EndpointValue Holding(params string[] addresses) =>
        new EndpointValue(100, EndpointMode.Protect, EndpointFlags.None).WithSources(addresses.Select(IPAddress.Parse));

    /// <summary>The endpoint as the agent writes it: addresses in the map and (what fits) in the entry.</summary>
    private void ArrangeHolding(params string[] addresses)
    {
        fixture.Reset();
        foreach (var address in addresses)
            fixture.Datapath.SourceAddresses.Update(new SourceAddressKey(IfIndex, IPAddress.Parse(address)), default);
        fixture.Datapath.Endpoints.Update(IfIndex, Holding(addresses));
    }

    private void RevokeSource(string address) =>
        Assert.True(fixture.Datapath.SourceAddresses.Delete(new SourceAddressKey(IfIndex, IPAddress.Parse(address))));

    private int Purge(uint ifindex) => new ConntrackCollector(fixture.Datapath).PurgeRevokedSources(new HashSet<uint> { ifindex });

    private ConntrackFlags Flags(ConntrackKey key) =>
        fixture.Datapath.Conntrack.TryLookup(key, out var value) ? value.Flags : throw new Xunit.Sdk.XunitException($"no entry {key}");

    private ConntrackKey Key(TrafficDirection direction, string source, ushort sourcePort, string destination, ushort destinationPort) =>
        new(IfIndex, direction, 6, IPAddress.Parse(source), sourcePort, IPAddress.Parse(destination), destinationPort);

    private static byte[] Tcp(string source, ushort sourcePort, string destination, ushort destinationPort, byte flags) =>
        PacketBuilder.Ip(source, destination).Tcp(sourcePort, destinationPort, flags);

    private void Run(DatapathProgram program, byte[] frame, int action, FlowReason reason)
    {
        var before = fixture.Datapath.ReadCounters()[reason];
        var result = fixture.Datapath.RunProgram(program, frame, (int)IfIndex);
        Assert.Equal(action, result.ReturnValue);
        Assert.Equal(before + 1, fixture.Datapath.ReadCounters()[reason]);
        fixture.Events.Drain();
    }
}

public sealed class SourceRevocationIPv4Tests(DatapathFixture fixture) : SourceRevocationTests(fixture, FlowAddresses.IPv4);

public sealed class SourceRevocationIPv6Tests(DatapathFixture fixture) : SourceRevocationTests(fixture, FlowAddresses.IPv6);
