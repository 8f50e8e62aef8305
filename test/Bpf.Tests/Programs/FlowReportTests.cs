using System.Net;
using MicroSeg.Bpf.Interop;
using MicroSeg.Bpf.Tests.Conntrack;
using MicroSeg.Bpf.Tests.Fixtures;
using MicroSeg.Bpf.Tests.Packets;
using MicroSeg.Testing;
using static MicroSeg.Bpf.DatapathProgram;
using static MicroSeg.Bpf.ProgramRunResult;

namespace MicroSeg.Bpf.Tests.Programs;

/// <summary>
/// Flow reports (Bpf/lib/report.h) through the real programs, for each family (below). Time is moved by writing the
/// entry's report and last-seen times into the past (the fixture's report interval is the default 5 s), so no test waits.
/// </summary>
public abstract class FlowReportTests(DatapathFixture fixture, FlowAddresses addresses) : IClassFixture<DatapathFixture>
{
    private readonly string Local = addresses.Local, Peer = addresses.Peer;
    private const byte Syn = 0x02, SynAck = 0x12, Ack = 0x10, FinAck = 0x11;
    private const ulong Second = 1_000_000_000;
    private const uint Identity = 100, Rule = 7;
    private static readonly ulong Interval = (ulong)new DatapathOptions { ObjectPath = "", PinDirectory = "" }.FlowReportInterval.Ticks * 100;

    private uint IfIndex => (uint)fixture.PodA.HostIfIndex;

    [Fact]
    public void EstablishedPacket_AfterTheInterval_OneReportWithTheGrowth_ThenOnlyTheGrowthSince()
    {
        Arrange(EndpointMode.Protect);
        var reportsBefore = fixture.Datapath.ReadCounters().Reports;
        var key = Open(40000);
        var bytes = Send(FromWorkload, Out(40000, Ack)) + OpenedBytes;

        // Due for a refresh of last-seen, not for a report: nothing.
        Age(key, reportedAgo: Interval - 2 * Second);
        bytes += Send(FromWorkload, Out(40000, Ack));
        Assert.Empty(Drain());

        Age(key, reportedAgo: Interval + Second);
        bytes += Send(FromWorkload, Out(40000, Ack));
        var first = Assert.Single(Drain());
        Assert.Equal((5ul, bytes), (first.Packets, first.Bytes)); // SYN, SYN-ACK and three ACKs
        AssertOpeningFlow(first.Flow, 40000);

        // Packets right after a report are only counted; the next report carries them and nothing reported before.
        var since = Send(FromWorkload, Out(40000, Ack)) + Send(ToWorkload, In(40000, Ack));
        Assert.Empty(Drain());
        Age(key, reportedAgo: Interval + Second);
        since += Send(ToWorkload, In(40000, Ack)); // a reply reports too, as the flow's first packet went
        var second = Assert.Single(Drain());
        Assert.Equal((3ul, since), (second.Packets, second.Bytes));
        AssertOpeningFlow(second.Flow, 40000);
        Assert.Equal(reportsBefore + 2, fixture.Datapath.ReadCounters().Reports);
    }

    [Fact]
    public void TcpClose_BeforeTheInterval_ReportsWhatIsLeft()
    {
        Arrange(EndpointMode.Protect);
        Open(40001);
        var bytes = OpenedBytes + Send(FromWorkload, Out(40001, FinAck)) + Send(ToWorkload, In(40001, FinAck));

        var report = Assert.Single(Drain());
        Assert.Equal((4ul, bytes), (report.Packets, report.Bytes));
        AssertOpeningFlow(report.Flow, 40001);
    }

    [Fact]
    public void MonitorMode_NoReport_AndItsGrowthIsNotReportedAfterASwitchToProtect()
    {
        Arrange(EndpointMode.Monitor);
        var reportsBefore = fixture.Datapath.ReadCounters().Reports;
        var key = Open(40002);
        Age(key, reportedAgo: Interval + Second);
        Send(FromWorkload, Out(40002, Ack));
        Assert.Empty(Drain());
        Assert.Equal(reportsBefore, fixture.Datapath.ReadCounters().Reports);

        fixture.Datapath.Endpoints.Update(IfIndex, Endpoint(EndpointMode.Protect));
        Age(key, reportedAgo: Interval + Second);
        var bytes = Send(FromWorkload, Out(40002, Ack));
        var report = Assert.Single(Drain());
        Assert.Equal((1ul, bytes), (report.Packets, report.Bytes));
    }

    private void Arrange(EndpointMode mode)
    {
        fixture.Reset();
        fixture.Datapath.SourceAddresses.Update(new SourceAddressKey(IfIndex, IPAddress.Parse(Local)), default);
        fixture.Datapath.Endpoints.Update(IfIndex, Endpoint(mode));
        fixture.Datapath.Policy.Update(new PolicyKey(IfIndex, 0, 80, 6, TrafficDirection.Egress), new PolicyValue(Rule, PolicyAction.Allow));
    }

    private EndpointValue Endpoint(EndpointMode mode) =>
        new EndpointValue(Identity, mode, EndpointFlags.EgressIsolated).WithSources([IPAddress.Parse(Local)]);

    /// <summary>The workload opens a TCP flow to the peer's port 80 (SYN, SYN-ACK): its entry's key.</summary>
    private ConntrackKey Open(ushort sport)
    {
        Send(FromWorkload, Out(sport, Syn));
        Send(ToWorkload, In(sport, SynAck));
        Assert.Empty(Drain()); // a new entry is not due
        fixture.Events.Drain(); // the opening event
        return EgressFlow(sport);
    }

    private ulong OpenedBytes => (ulong)(Out(0, Syn).Length + In(0, SynAck).Length);

    /// <summary>Runs the packet (allowed); its length, which the entry counts.</summary>
    private ulong Send(DatapathProgram program, byte[] frame)
    {
        Assert.Equal(TcActOk, fixture.Datapath.RunProgram(program, frame, (int)IfIndex).ReturnValue);
        return (ulong)frame.Length;
    }

    /// <summary>Moves the entry's last report <paramref name="reportedAgo"/> into the past, and its last-seen 2 s (so the next packet refreshes it and checks).</summary>
    private void Age(ConntrackKey key, ulong reportedAgo)
    {
        Assert.True(fixture.Datapath.Conntrack.TryLookup(key, out var value), $"no entry {key}");
        var now = LibC.MonotonicNanoseconds();
        value.ReportedNs = now - reportedAgo;
        value.LastSeenNs = now - 2 * Second;
        fixture.Datapath.Conntrack.Update(key, value);
    }

    private IReadOnlyList<FlowReport> Drain() => fixture.Events.Drain().Reports;

    /// <summary>A report's flow is the flow as its first packet went: the key of the event that opened it.</summary>
    private void AssertOpeningFlow(in FlowEvent flow, ushort sport)
    {
        Assert.Equal(FlowRecordKind.FlowReport, flow.Kind);
        Assert.Equal((IfIndex, TrafficDirection.Egress, FlowVerdict.Allowed, FlowReason.PolicyAllow, Rule, Identity),
            (flow.IfIndex, flow.Direction, flow.Verdict, flow.Reason, flow.RuleId, flow.LocalIdentity));
        Assert.Equal((IPAddress.Parse(Local), sport, IPAddress.Parse(Peer), (ushort)80, (byte)6),
            (flow.Source, flow.SourcePort, flow.Destination, flow.DestinationPort, flow.Protocol));
    }

    private byte[] Out(ushort sport, byte flags) => PacketBuilder.Ip(Local, Peer).Tcp(sport, 80, flags);

    private byte[] In(ushort dport, byte flags) => PacketBuilder.Ip(Peer, Local).Tcp(80, dport, flags);

    private ConntrackKey EgressFlow(ushort sport) =>
        new(IfIndex, TrafficDirection.Egress, 6, IPAddress.Parse(Local), sport, IPAddress.Parse(Peer), 80);
}

public sealed class FlowReportIPv4Tests(DatapathFixture fixture) : FlowReportTests(fixture, FlowAddresses.IPv4);

public sealed class FlowReportIPv6Tests(DatapathFixture fixture) : FlowReportTests(fixture, FlowAddresses.IPv6);
