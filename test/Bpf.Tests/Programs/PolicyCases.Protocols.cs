using MicroSeg.Bpf.Tests.Packets;
using static MicroSeg.Bpf.DatapathProgram;
using static MicroSeg.Bpf.FlowReason;
using static MicroSeg.Bpf.ProgramRunResult;
using static MicroSeg.Bpf.TrafficDirection;

namespace MicroSeg.Bpf.Tests.Programs;

/// <summary>SCTP ports and protocols without ports.</summary>
internal static partial class PolicyCases
{
    private const byte Sctp = 132, Gre = 47;

    private static IEnumerable<PolicyCase> Protocols =>
    [
        new("SctpPortRule_MatchingPort_PassesAndTracks_OtherPortDrops")
        {
            Arrange = c =>
            {
                c.Endpoint(EndpointFlags.IngressIsolated);
                c.Rule(Ingress, Any, Sctp, 3868, PolicyAction.Allow, 31);
            },
            Steps =
            [
                new(ToWorkload, PacketBuilder.Ip(Peer, Local).Sctp(40000, 3868), TcActOk, PolicyAllow),
                new(ToWorkload, PacketBuilder.Ip(Peer, Local).Sctp(40000, 3868), TcActOk, ConntrackEstablished),
                new(ToWorkload, PacketBuilder.Ip(Peer, Local).Sctp(40000, 3869), TcActShot, DefaultDeny),
            ],
            Events = [new(FlowVerdict.Allowed, PolicyAllow, 31, World), new(FlowVerdict.Denied, DefaultDeny, 0, World)],
            Flows = c => [new(c.Flow(Ingress, Sctp, Peer, 40000, Local, 3868), 31, 2, 0)],
        },
        new("SctpTruncatedHeader_Drops")
        {
            Arrange = c => c.Endpoint(EndpointFlags.None),
            Steps = [new(ToWorkload, PacketBuilder.Ip(Peer, Local).Sctp(40000, 3868)[..(14 + 20 + 6)], TcActShot, Malformed)],
        },
        new("UnknownProtocol_Isolated_Drops")
        {
            Arrange = c => c.Endpoint(EndpointFlags.EgressIsolated | EndpointFlags.IngressIsolated),
            Steps =
            [
                new(FromWorkload, PacketBuilder.Ip(Local, Peer).Protocol(Gre), TcActShot, DefaultDeny),
                new(ToWorkload, PacketBuilder.Ip(Peer6, Local6).Protocol(Gre), TcActShot, DefaultDeny),
            ],
            Events = [new(FlowVerdict.Denied, DefaultDeny, 0, World), new(FlowVerdict.Denied, DefaultDeny, 0, World)],
        },
        new("UnknownProtocol_AnyProtocolRule_Passes")
        {
            Arrange = c =>
            {
                c.Endpoint(EndpointFlags.EgressIsolated);
                c.Rule(Egress, Any, 0, 0, PolicyAction.Allow, 32);
            },
            Steps = [new(FromWorkload, PacketBuilder.Ip(Local, Peer).Protocol(Gre), TcActOk, PolicyAllow)],
            Events = [new(FlowVerdict.Allowed, PolicyAllow, 32, World)],
            Flows = c => [new(c.Flow(Egress, Gre, Local, 0, Peer, 0), 32, 1, 0)],
        },
    ];
}
