using MicroSeg.Bpf.Tests.Packets;
using static MicroSeg.Bpf.DatapathProgram;
using static MicroSeg.Bpf.FlowReason;
using static MicroSeg.Bpf.ProgramRunResult;
using static MicroSeg.Bpf.TrafficDirection;

namespace MicroSeg.Bpf.Tests.Programs;

/// <summary>
/// Port-range rows: ms_policy_ranges beside the exact keys, deny beats allow across both, the
/// wildcard peer, IPv6, and the range's edges (first, last, one below, one above).
/// </summary>
internal static partial class PolicyCases
{
    private const EndpointFlags IngressRanges = EndpointFlags.IngressIsolated | EndpointFlags.IngressRanges;

    private static byte[] PeerTo(ushort port) => PacketBuilder.Ip(Peer, Local).Tcp(40000, port);

    private static IEnumerable<PolicyCase> Ranges =>
    [
        new("RangeAllow_FirstLastAndInside_PassOutsideDrops")
        {
            Arrange = c =>
            {
                c.Endpoint(IngressRanges);
                c.Identity(Peer + "/32", PeerId);
                c.Range(Ingress, PeerId, Tcp, 8000, 8010, PolicyAction.Allow, 31);
            },
            Steps =
            [
                new(ToWorkload, PeerTo(7999), TcActShot, DefaultDeny),
                new(ToWorkload, PeerTo(8000), TcActOk, PolicyAllow),
                new(ToWorkload, PeerTo(8005), TcActOk, PolicyAllow),
                new(ToWorkload, PeerTo(8010), TcActOk, PolicyAllow),
                new(ToWorkload, PeerTo(8011), TcActShot, DefaultDeny),
            ],
            Events =
            [
                new(FlowVerdict.Denied, DefaultDeny, 0, PeerId), new(FlowVerdict.Allowed, PolicyAllow, 31, PeerId),
                new(FlowVerdict.Allowed, PolicyAllow, 31, PeerId), new(FlowVerdict.Allowed, PolicyAllow, 31, PeerId),
                new(FlowVerdict.Denied, DefaultDeny, 0, PeerId),
            ],
            Flows = c =>
            [
                new(c.Flow(Ingress, Tcp, Peer, 40000, Local, 8000), 31, 1, 0),
                new(c.Flow(Ingress, Tcp, Peer, 40000, Local, 8005), 31, 1, 0),
                new(c.Flow(Ingress, Tcp, Peer, 40000, Local, 8010), 31, 1, 0),
            ],
        },
        new("RangeAllow_EndpointWithoutRangeFlag_IsNotConsulted")
        {
            Arrange = c =>
            {
                c.Endpoint(EndpointFlags.IngressIsolated);
                c.Identity(Peer + "/32", PeerId);
                c.Range(Ingress, PeerId, Tcp, 8000, 8010, PolicyAction.Allow, 31);
            },
            Steps = [new(ToWorkload, PeerTo(8005), TcActShot, DefaultDeny)],
            Events = [new(FlowVerdict.Denied, DefaultDeny, 0, PeerId)],
        },
        new("RangeDeny_OverExactAllow_DenyWins")
        {
            Arrange = c =>
            {
                c.Endpoint(IngressRanges);
                c.Identity(Peer + "/32", PeerId);
                c.Rule(Ingress, PeerId, Tcp, 8080, PolicyAction.Allow, 11);
                c.Range(Ingress, PeerId, Tcp, 8000, 8999, PolicyAction.Deny, 41);
            },
            Steps = [new(ToWorkload, PeerTo(8080), TcActShot, PolicyDeny), new(ToWorkload, PeerTo(9000), TcActShot, DefaultDeny)],
            Events = [new(FlowVerdict.Denied, PolicyDeny, 41, PeerId), new(FlowVerdict.Denied, DefaultDeny, 0, PeerId)],
        },
        new("ExactDeny_InsideAllowedRange_DenyWinsRestOfRangePasses")
        {
            Arrange = c =>
            {
                c.Endpoint(IngressRanges);
                c.Identity(Peer + "/32", PeerId);
                c.Range(Ingress, PeerId, Tcp, 1, 65535, PolicyAction.Allow, 42);
                c.Rule(Ingress, PeerId, Tcp, 22, PolicyAction.Deny, 43);
            },
            Steps =
            [
                new(ToWorkload, PeerTo(22), TcActShot, PolicyDeny),
                new(ToWorkload, PeerTo(1), TcActOk, PolicyAllow),
                new(ToWorkload, PeerTo(23), TcActOk, PolicyAllow),
                new(ToWorkload, PeerTo(65535), TcActOk, PolicyAllow),
            ],
            Events =
            [
                new(FlowVerdict.Denied, PolicyDeny, 43, PeerId), new(FlowVerdict.Allowed, PolicyAllow, 42, PeerId),
                new(FlowVerdict.Allowed, PolicyAllow, 42, PeerId), new(FlowVerdict.Allowed, PolicyAllow, 42, PeerId),
            ],
            Flows = c =>
            [
                new(c.Flow(Ingress, Tcp, Peer, 40000, Local, 1), 42, 1, 0),
                new(c.Flow(Ingress, Tcp, Peer, 40000, Local, 23), 42, 1, 0),
                new(c.Flow(Ingress, Tcp, Peer, 40000, Local, 65535), 42, 1, 0),
            ],
        },
        new("OverlappingRanges_DenyInsideAllow_EachPieceKeepsItsWinner")
        {
            Arrange = c =>
            {
                c.Endpoint(IngressRanges);
                c.Identity(Peer + "/32", PeerId);
                c.Range(Ingress, PeerId, Tcp, 1000, 2000, PolicyAction.Allow, 51);
                c.Range(Ingress, PeerId, Tcp, 1500, 1600, PolicyAction.Deny, 52);
            },
            Steps =
            [
                new(ToWorkload, PeerTo(1499), TcActOk, PolicyAllow),
                new(ToWorkload, PeerTo(1500), TcActShot, PolicyDeny),
                new(ToWorkload, PeerTo(1600), TcActShot, PolicyDeny),
                new(ToWorkload, PeerTo(1601), TcActOk, PolicyAllow),
            ],
            Events =
            [
                new(FlowVerdict.Allowed, PolicyAllow, 51, PeerId), new(FlowVerdict.Denied, PolicyDeny, 52, PeerId),
                new(FlowVerdict.Denied, PolicyDeny, 52, PeerId), new(FlowVerdict.Allowed, PolicyAllow, 51, PeerId),
            ],
            Flows = c =>
            [
                new(c.Flow(Ingress, Tcp, Peer, 40000, Local, 1499), 51, 1, 0),
                new(c.Flow(Ingress, Tcp, Peer, 40000, Local, 1601), 51, 1, 0),
            ],
        },
        new("WildcardPeerRange_WorldInsidePassesOutsideDrops")
        {
            Arrange = c =>
            {
                c.Endpoint(IngressRanges);
                c.Range(Ingress, Any, Tcp, 30000, 32767, PolicyAction.Allow, 44);
            },
            Steps =
            [
                new(ToWorkload, PacketBuilder.Ip(Outside, Local).Tcp(40000, 30000), TcActOk, PolicyAllow),
                new(ToWorkload, PacketBuilder.Ip(Outside, Local).Tcp(40000, 32767), TcActOk, PolicyAllow),
                new(ToWorkload, PacketBuilder.Ip(Outside, Local).Tcp(40000, 32768), TcActShot, DefaultDeny),
                new(ToWorkload, PacketBuilder.Ip(Outside, Local).Udp(40000, 30000), TcActShot, DefaultDeny),
            ],
            Events =
            [
                new(FlowVerdict.Allowed, PolicyAllow, 44, World), new(FlowVerdict.Allowed, PolicyAllow, 44, World),
                new(FlowVerdict.Denied, DefaultDeny, 0, World), new(FlowVerdict.Denied, DefaultDeny, 0, World),
            ],
            Flows = c =>
            [
                new(c.Flow(Ingress, Tcp, Outside, 40000, Local, 30000), 44, 1, 0),
                new(c.Flow(Ingress, Tcp, Outside, 40000, Local, 32767), 44, 1, 0),
            ],
        },
        new("WildcardPeerRangeDeny_OverPeerRangeAllow_DenyWins")
        {
            Arrange = c =>
            {
                c.Endpoint(IngressRanges);
                c.Identity(Peer + "/32", PeerId);
                c.Range(Ingress, PeerId, Tcp, 9000, 9100, PolicyAction.Allow, 48);
                c.Range(Ingress, Any, Tcp, 9050, 9060, PolicyAction.Deny, 47);
            },
            Steps = [new(ToWorkload, PeerTo(9049), TcActOk, PolicyAllow), new(ToWorkload, PeerTo(9055), TcActShot, PolicyDeny)],
            Events = [new(FlowVerdict.Allowed, PolicyAllow, 48, PeerId), new(FlowVerdict.Denied, PolicyDeny, 47, PeerId)],
            Flows = c => [new(c.Flow(Ingress, Tcp, Peer, 40000, Local, 9049), 48, 1, 0)],
        },
        new("AllowOnly_ExactAndRangeAllow_MostSpecificRuleReported")
        {
            Arrange = c =>
            {
                c.Endpoint(IngressRanges | EndpointFlags.IngressAllowOnly);
                c.Identity(Peer + "/32", PeerId);
                c.Rule(Ingress, PeerId, Tcp, 80, PolicyAction.Allow, 11);
                c.Range(Ingress, PeerId, Tcp, 1, 1024, PolicyAction.Allow, 46);
                c.Rule(Ingress, PeerId, Tcp, 0, PolicyAction.Allow, 12);
            },
            Steps =
            [
                new(ToWorkload, PeerTo(80), TcActOk, PolicyAllow),
                new(ToWorkload, PeerTo(81), TcActOk, PolicyAllow),
                new(ToWorkload, PeerTo(1025), TcActOk, PolicyAllow),
            ],
            Events =
            [
                new(FlowVerdict.Allowed, PolicyAllow, 11, PeerId), new(FlowVerdict.Allowed, PolicyAllow, 46, PeerId),
                new(FlowVerdict.Allowed, PolicyAllow, 12, PeerId),
            ],
            Flows = c =>
            [
                new(c.Flow(Ingress, Tcp, Peer, 40000, Local, 80), 11, 1, 0),
                new(c.Flow(Ingress, Tcp, Peer, 40000, Local, 81), 46, 1, 0),
                new(c.Flow(Ingress, Tcp, Peer, 40000, Local, 1025), 12, 1, 0),
            ],
        },
        new("Ipv6UdpRange_Egress_FirstLastPassBeyondDrops")
        {
            Arrange = c =>
            {
                c.Endpoint(EndpointFlags.EgressIsolated | EndpointFlags.EgressRanges);
                c.Identity(Peer6 + "/128", PeerId);
                c.Range(Egress, PeerId, Udp, 5000, 5100, PolicyAction.Allow, 45);
            },
            Steps =
            [
                new(FromWorkload, PacketBuilder.Ip(Local6, Peer6).Udp(40000, 4999), TcActShot, DefaultDeny),
                new(FromWorkload, PacketBuilder.Ip(Local6, Peer6).Udp(40000, 5000), TcActOk, PolicyAllow),
                new(FromWorkload, PacketBuilder.Ip(Local6, Peer6).Udp(40000, 5100), TcActOk, PolicyAllow),
                new(FromWorkload, PacketBuilder.Ip(Local6, Peer6).Udp(40000, 5101), TcActShot, DefaultDeny),
            ],
            Events =
            [
                new(FlowVerdict.Denied, DefaultDeny, 0, PeerId), new(FlowVerdict.Allowed, PolicyAllow, 45, PeerId),
                new(FlowVerdict.Allowed, PolicyAllow, 45, PeerId), new(FlowVerdict.Denied, DefaultDeny, 0, PeerId),
            ],
            Flows = c =>
            [
                new(c.Flow(Egress, Udp, Local6, 40000, Peer6, 5000), 45, 1, 0),
                new(c.Flow(Egress, Udp, Local6, 40000, Peer6, 5100), 45, 1, 0),
            ],
        },
    ];
}
