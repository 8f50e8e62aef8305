using System.Net;
using MicroSeg.Bpf.Interop;
using MicroSeg.Bpf.Tests.Fixtures;
using MicroSeg.Bpf.Tests.Packets;
using MicroSeg.Testing;
using static MicroSeg.Bpf.DatapathProgram;
using static MicroSeg.Bpf.ProgramRunResult;

namespace MicroSeg.Bpf.Tests.Conntrack;

/// <summary>TCP state machine, mid-stream segments, timeouts and user-space GC, for each family (below).</summary>
public abstract class ConntrackStateTests(DatapathFixture fixture, FlowAddresses addresses) : IClassFixture<DatapathFixture>
{
    private readonly string Local = addresses.Local, Peer = addresses.Peer;
    private const byte Fin = 0x01, Syn = 0x02, Rst = 0x04, Ack = 0x10, SynAck = 0x12, FinAck = 0x11;
    private const byte Tcp = 6, Udp = 17;

    private uint IfIndex => (uint)fixture.PodA.HostIfIndex;

    [Fact]
    public void TcpHandshakeAndClose_EachSegment_AdvancesState()
    {
        Arrange(EndpointFlags.EgressIsolated | EndpointFlags.IngressIsolated, allowEgressTcp80: true);
        var key = EgressFlow(40000);

        Run(FromWorkload, Out(40000, Syn), TcActOk, FlowReason.PolicyAllow);
        Assert.Equal(ConntrackState.SynSent, State(key));
        Run(ToWorkload, In(40000, SynAck), TcActOk, FlowReason.ConntrackReply);
        Assert.Equal(ConntrackState.SynReceived, State(key));
        Run(FromWorkload, Out(40000, Ack), TcActOk, FlowReason.ConntrackEstablished);
        Assert.Equal(ConntrackState.Established, State(key));
        Run(FromWorkload, Out(40000, FinAck), TcActOk, FlowReason.ConntrackEstablished);
        Assert.Equal(ConntrackState.FinWait, State(key));
        Run(ToWorkload, In(40000, FinAck), TcActOk, FlowReason.ConntrackReply);
        Assert.Equal(ConntrackState.Closed, State(key));
        Assert.True(fixture.Datapath.Conntrack.TryLookup(key, out var value));
        Assert.Equal(ConntrackFlags.SeenReply | ConntrackFlags.FinOriginal | ConntrackFlags.FinReply, value.Flags);

        // Port reuse: a new SYN on the closed tuple is a new flow, evaluated by policy again.
        Run(FromWorkload, Out(40000, Syn), TcActOk, FlowReason.PolicyAllow);
        Assert.Equal(ConntrackState.SynSent, State(key));
    }

    [Fact]
    public void Rst_OnEstablishedFlow_ClosesIt()
    {
        Arrange(EndpointFlags.None, allowEgressTcp80: false);
        var key = EgressFlow(40001);
        Run(FromWorkload, Out(40001, Syn), TcActOk, FlowReason.DefaultAllow);
        Run(ToWorkload, In(40001, Rst | Ack), TcActOk, FlowReason.ConntrackReply);
        Assert.Equal(ConntrackState.Closed, State(key));
    }

    [Fact]
    public void MidstreamAck_IsolatedWithoutRule_DroppedAndNotTracked()
    {
        Arrange(EndpointFlags.IngressIsolated, allowEgressTcp80: false);
        Run(ToWorkload, In(40002, Ack), TcActShot, FlowReason.DefaultDeny);
        Assert.Empty(fixture.Datapath.Conntrack.Keys());
        // And the workload's answer to it is a new flow out, not a reply that opens the way in.
        Run(FromWorkload, Out(40002, Rst), TcActOk, FlowReason.DefaultAllow);
        Assert.Empty(fixture.Datapath.Conntrack.Keys());
        Run(ToWorkload, In(40002, Ack), TcActShot, FlowReason.DefaultDeny);
    }

    [Fact]
    public void MidstreamAck_Monitor_WouldDenyAndNotTracked()
    {
        Arrange(EndpointFlags.IngressIsolated, allowEgressTcp80: false, EndpointMode.Monitor);
        Run(ToWorkload, In(40003, Ack), TcActOk, FlowReason.DefaultDeny);
        Run(ToWorkload, In(40003, Ack), TcActOk, FlowReason.DefaultDeny);
        Assert.Empty(fixture.Datapath.Conntrack.Keys());
    }

    [Fact]
    public void MidstreamAck_PolicyAllows_PickedUpAsEstablished()
    {
        Arrange(EndpointFlags.EgressIsolated, allowEgressTcp80: true);
        Run(FromWorkload, Out(40004, Ack), TcActOk, FlowReason.PolicyAllow);
        Assert.True(fixture.Datapath.Conntrack.TryLookup(EgressFlow(40004), out var value));
        Assert.Equal((ConntrackState.Established, ConntrackFlags.Midstream, 7u), (value.State, value.Flags, value.RuleId));
        Run(ToWorkload, In(40004, Ack), TcActOk, FlowReason.ConntrackReply);
    }

    [Fact]
    public void SynAckWithoutState_Allowed_PassesButIsNotTracked()
    {
        Arrange(EndpointFlags.None, allowEgressTcp80: false);
        Run(FromWorkload, Out(40005, SynAck), TcActOk, FlowReason.DefaultAllow);
        Run(FromWorkload, Out(40005, Fin), TcActOk, FlowReason.DefaultAllow);
        Assert.Empty(fixture.Datapath.Conntrack.Keys());
    }

    [Theory]
    [InlineData(ConntrackState.SynSent, 61, false)]
    [InlineData(ConntrackState.SynSent, 30, true)]
    // The fixture loads a 2-minute established timeout (the programs' clock starts at boot: a fresh machine has no "an hour ago").
    [InlineData(ConntrackState.Established, 90, true)]
    [InlineData(ConntrackState.Established, 150, false)]
    [InlineData(ConntrackState.Closed, 11, false)]
    public void IdleEntry_PastItsStateTimeout_IsAMiss(ConntrackState state, int idleSeconds, bool live)
    {
        Arrange(EndpointFlags.EgressIsolated, allowEgressTcp80: false);
        var key = EgressFlow(40006);
        fixture.Datapath.Conntrack.Update(key, Entry(state, idleSeconds));
        Run(FromWorkload, Out(40006, Ack), live ? TcActOk : TcActShot, live ? FlowReason.ConntrackEstablished : FlowReason.DefaultDeny);
    }

    [Fact]
    public void Collect_ExpiredAndLiveEntries_DeletesAndReportsOnlyExpired()
    {
        fixture.Reset();
        var datapath = fixture.Datapath;
        datapath.Conntrack.Update(EgressFlow(41000), Entry(ConntrackState.Established, 60));
        datapath.Conntrack.Update(EgressFlow(41001), Entry(ConntrackState.Closed, 11));
        datapath.Conntrack.Update(EgressFlow(41002), Entry(ConntrackState.SynSent, 120));
        var udpLive = new ConntrackKey(IfIndex, TrafficDirection.Egress, Udp, IPAddress.Parse(Local), 5353, IPAddress.Parse(Peer), 53);
        var udpOld = new ConntrackKey(IfIndex, TrafficDirection.Egress, Udp, IPAddress.Parse(Local), 5354, IPAddress.Parse(Peer), 53);
        datapath.Conntrack.Update(udpLive, Entry(ConntrackState.None, 10));
        datapath.Conntrack.Update(udpOld, Entry(ConntrackState.None, 61));

        var result = new ConntrackCollector(datapath).Collect();

        Assert.Equal(5, result.Scanned);
        Assert.Equal(
            new[] { EgressFlow(41001).ToString(), EgressFlow(41002).ToString(), udpOld.ToString() }.Order(),
            result.Ended.Select(f => f.Key.ToString()).Order());
        Assert.Equal(1, result.EndedByState[ConntrackState.Closed]);
        Assert.Equal(1, result.EndedByState[ConntrackState.None]);
        Assert.Equal(new[] { EgressFlow(41000).ToString(), udpLive.ToString() }.Order(),
            datapath.Conntrack.Keys().Select(k => k.ToString()).Order());
    }

    [Fact]
    public void Load_CustomUdpTimeout_ProgramsAndCollectorUseIt()
    {
        var pinDirectory = DatapathFixture.NewPinDirectory();
        try
        {
            using var datapath = Datapath.Load(new DatapathOptions
            {
                ObjectPath = RepoLayout.BpfObjectPath,
                PinDirectory = pinDirectory,
                ConntrackMaxEntries = 1024,
                ConntrackTimeouts = new ConntrackTimeouts { Udp = TimeSpan.FromSeconds(2) },
            });
            datapath.SourceAddresses.Update(new SourceAddressKey(IfIndex, IPAddress.Parse(Local)), default);
            datapath.Endpoints.Update(IfIndex, new EndpointValue(100, EndpointMode.Protect, EndpointFlags.EgressIsolated));
            var key = new ConntrackKey(IfIndex, TrafficDirection.Egress, Udp, IPAddress.Parse(Local), 5353, IPAddress.Parse(Peer), 53);
            datapath.Conntrack.Update(key, Entry(ConntrackState.None, 5)); // live with the 60 s default

            var frame = PacketBuilder.Ip(Local, Peer).Udp(5353, 53);
            Assert.Equal(TcActShot, datapath.RunProgram(FromWorkload, frame, (int)IfIndex).ReturnValue);
            Assert.Single(new ConntrackCollector(datapath).Collect().Ended);
        }
        finally
        {
            Directory.Delete(pinDirectory, recursive: true);
        }
    }

    private void Arrange(EndpointFlags flags, bool allowEgressTcp80, EndpointMode mode = EndpointMode.Protect)
    {
        fixture.Reset();
        fixture.Datapath.SourceAddresses.Update(new SourceAddressKey(IfIndex, IPAddress.Parse(Local)), default);
        fixture.Datapath.Endpoints.Update(IfIndex, new EndpointValue(100, mode, flags));
        if (allowEgressTcp80)
            fixture.Datapath.Policy.Update(new PolicyKey(IfIndex, 0, 80, Tcp, TrafficDirection.Egress), new PolicyValue(7, PolicyAction.Allow));
    }

    private void Run(DatapathProgram program, byte[] frame, int action, FlowReason reason)
    {
        var before = fixture.Datapath.ReadCounters()[reason];
        var result = fixture.Datapath.RunProgram(program, frame, (int)IfIndex);
        Assert.Equal(action, result.ReturnValue);
        Assert.Equal(before + 1, fixture.Datapath.ReadCounters()[reason]);
        fixture.Events.Drain();
    }

    private byte[] Out(ushort sport, byte flags) => PacketBuilder.Ip(Local, Peer).Tcp(sport, 80, flags);

    private byte[] In(ushort dport, byte flags) => PacketBuilder.Ip(Peer, Local).Tcp(80, dport, flags);

    private ConntrackKey EgressFlow(ushort sport) =>
        new(IfIndex, TrafficDirection.Egress, Tcp, IPAddress.Parse(Local), sport, IPAddress.Parse(Peer), 80);

    private ConntrackState State(ConntrackKey key) =>
        fixture.Datapath.Conntrack.TryLookup(key, out var value) ? value.State : throw new Xunit.Sdk.XunitException($"no entry {key}");

    /// <summary>An entry of a flow the workload opened (as <see cref="EgressFlow"/> keys are).</summary>
    private static ConntrackValue Entry(ConntrackState state, int idleSeconds)
    {
        var clock = LibC.MonotonicNanoseconds();
        Assert.True((ulong)idleSeconds * 1_000_000_000UL < clock, $"an entry idle for {idleSeconds} s needs a machine up for longer");
        var lastSeen = clock - (ulong)idleSeconds * 1_000_000_000UL;
        return new ConntrackValue
        {
            ReportedNs = lastSeen, LastSeenNs = lastSeen, PacketsOriginal = 1, State = state, RuleId = 7, Direction = TrafficDirection.Egress,
        };
    }
}

public sealed class ConntrackStateIPv4Tests(DatapathFixture fixture) : ConntrackStateTests(fixture, FlowAddresses.IPv4);

public sealed class ConntrackStateIPv6Tests(DatapathFixture fixture) : ConntrackStateTests(fixture, FlowAddresses.IPv6);
