using MicroSeg.Bpf.Tests.Packets;
using static MicroSeg.Bpf.DatapathProgram;
using static MicroSeg.Bpf.FlowReason;
using static MicroSeg.Bpf.ProgramRunResult;
using static MicroSeg.Bpf.TrafficDirection;

namespace MicroSeg.Bpf.Tests.Programs;

/// <summary>ICMP errors about tracked flows pass as related; others are evaluated by policy. Also the allow-only flag.</summary>
internal static partial class PolicyCases
{
    private const byte DestinationUnreachable = 3, TimeExceeded = 11, PortUnreachable = 3, PacketTooBig = 2;

    private static IEnumerable<PolicyCase> Related =>
    [
        new("IcmpError_AboutTrackedEgressFlow_PassesAsRelated")
        {
            Arrange = c =>
            {
                c.Endpoint(EndpointFlags.EgressIsolated | EndpointFlags.IngressIsolated);
                c.Rule(Egress, Any, Udp, 53, PolicyAction.Allow, 51);
            },
            Steps =
            [
                new(FromWorkload, PacketBuilder.Ip(Local, Peer).Udp(5002, 53), TcActOk, PolicyAllow),
                new(ToWorkload, PacketBuilder.Ip(Peer, Local).IcmpError(DestinationUnreachable, PortUnreachable,
                    PacketBuilder.Ip(Local, Peer).Udp(5002, 53)), TcActOk, ConntrackRelated),
            ],
            Events = [new(FlowVerdict.Allowed, PolicyAllow, 51, World)],
            Flows = c => [new(c.Flow(Egress, Udp, Local, 5002, Peer, 53), 51, 1, 0)],
        },
        new("IcmpError_FromWorkloadAboutTrackedIngressFlow_PassesAsRelated")
        {
            Arrange = c =>
            {
                c.Endpoint(EndpointFlags.EgressIsolated | EndpointFlags.IngressIsolated);
                c.Rule(Ingress, Any, Udp, 53, PolicyAction.Allow, 52);
            },
            Steps =
            [
                new(ToWorkload, PacketBuilder.Ip(Peer, Local).Udp(5003, 53), TcActOk, PolicyAllow),
                new(FromWorkload, PacketBuilder.Ip(Local, Peer).IcmpError(DestinationUnreachable, PortUnreachable,
                    PacketBuilder.Ip(Peer, Local).Udp(5003, 53)), TcActOk, ConntrackRelated),
            ],
            Events = [new(FlowVerdict.Allowed, PolicyAllow, 52, World)],
            Flows = c => [new(c.Flow(Ingress, Udp, Peer, 5003, Local, 53), 52, 1, 0)],
        },
        new("IcmpError_QuotesUntrackedFlow_EvaluatedByPolicy")
        {
            Arrange = c => c.Endpoint(EndpointFlags.IngressIsolated),
            Steps =
            [
                new(ToWorkload, PacketBuilder.Ip(Peer, Local).IcmpError(TimeExceeded, 0,
                    PacketBuilder.Ip(Local, Peer).Udp(5004, 53)), TcActShot, DefaultDeny),
            ],
            Events = [new(FlowVerdict.Denied, DefaultDeny, 0, World)],
        },
        new("IcmpError_QuotesOtherPortOfTrackedPeer_EvaluatedByPolicy")
        {
            Arrange = c =>
            {
                c.Endpoint(EndpointFlags.EgressIsolated | EndpointFlags.IngressIsolated);
                c.Rule(Egress, Any, Udp, 53, PolicyAction.Allow, 51);
            },
            Steps =
            [
                new(FromWorkload, PacketBuilder.Ip(Local, Peer).Udp(5005, 53), TcActOk, PolicyAllow),
                new(ToWorkload, PacketBuilder.Ip(Peer, Local).IcmpError(DestinationUnreachable, PortUnreachable,
                    PacketBuilder.Ip(Local, Peer).Udp(5005, 54)), TcActShot, DefaultDeny),
            ],
            Events = [new(FlowVerdict.Allowed, PolicyAllow, 51, World), new(FlowVerdict.Denied, DefaultDeny, 0, World)],
            Flows = c => [new(c.Flow(Egress, Udp, Local, 5005, Peer, 53), 51, 1, 0)],
        },
        new("Icmpv6PacketTooBig_AboutTrackedTcpFlow_PassesAsRelated")
        {
            Arrange = c =>
            {
                c.Endpoint(EndpointFlags.EgressIsolated | EndpointFlags.IngressIsolated);
                c.Rule(Egress, Any, Tcp, 443, PolicyAction.Allow, 53);
            },
            Steps =
            [
                new(FromWorkload, PacketBuilder.Ip(Local6, Peer6).Tcp(40010, 443), TcActOk, PolicyAllow),
                new(ToWorkload, PacketBuilder.Ip(Peer6, Local6).IcmpError(PacketTooBig, 0,
                    PacketBuilder.Ip(Local6, Peer6).Tcp(40010, 443, 0x10)), TcActOk, ConntrackRelated),
            ],
            Events = [new(FlowVerdict.Allowed, PolicyAllow, 53, World)],
            Flows = c => [new(c.Flow(Egress, Tcp, Local6, 40010, Peer6, 443), 53, 1, 0)],
        },
        new("IcmpError_TruncatedQuote_EvaluatedByPolicy")
        {
            Arrange = c => c.Endpoint(EndpointFlags.IngressIsolated),
            Steps =
            [
                new(ToWorkload, PacketBuilder.Ip(Peer, Local).IcmpError(DestinationUnreachable, PortUnreachable,
                    PacketBuilder.Ip(Local, Peer).Udp(5006, 53)[..(14 + 12)]), TcActShot, DefaultDeny),
            ],
            Events = [new(FlowVerdict.Denied, DefaultDeny, 0, World)],
        },
        new("AllowOnly_AllowMatched_WiderKeysNotProbed")
        {
            // The flag is the agent's promise that no deny exists; with a deny present anyway
            // the most specific allow decides (this row documents exactly that contract).
            Arrange = c =>
            {
                c.Endpoint(EndpointFlags.EgressIsolated | EndpointFlags.EgressAllowOnly);
                c.Rule(Egress, Any, Tcp, 80, PolicyAction.Allow, 61);
                c.Rule(Egress, Any, 0, 0, PolicyAction.Deny, 62);
            },
            Steps =
            [
                new(FromWorkload, PacketBuilder.Ip(Local, Peer).Tcp(40020, 80), TcActOk, PolicyAllow),
                new(FromWorkload, PacketBuilder.Ip(Local, Peer).Tcp(40021, 81), TcActShot, PolicyDeny),
            ],
            Events = [new(FlowVerdict.Allowed, PolicyAllow, 61, World), new(FlowVerdict.Denied, PolicyDeny, 62, World)],
            Flows = c => [new(c.Flow(Egress, Tcp, Local, 40020, Peer, 80), 61, 1, 0)],
        },
        new("AllowOnly_OtherDirectionFlag_DenyStillWins")
        {
            Arrange = c =>
            {
                c.Endpoint(EndpointFlags.EgressIsolated | EndpointFlags.IngressAllowOnly);
                c.Rule(Egress, Any, Tcp, 80, PolicyAction.Allow, 61);
                c.Rule(Egress, Any, 0, 0, PolicyAction.Deny, 62);
            },
            Steps = [new(FromWorkload, PacketBuilder.Ip(Local, Peer).Tcp(40022, 80), TcActShot, PolicyDeny)],
            Events = [new(FlowVerdict.Denied, PolicyDeny, 62, World)],
        },
    ];
}
