using MicroSeg.Bpf.Tests.Packets;
using static MicroSeg.Bpf.DatapathProgram;
using static MicroSeg.Bpf.FlowReason;
using static MicroSeg.Bpf.ProgramRunResult;
using static MicroSeg.Bpf.TrafficDirection;

namespace MicroSeg.Bpf.Tests.Programs;

/// <summary>
/// A connection-opening SYN on a flow the table knows: a live entry decides it whatever the policy
/// or the endpoint now says; a dead one (closed, expired) is reused for the new flow, counters reset.
/// </summary>
internal static partial class PolicyCases
{
    private const byte Rst = 0x04;

    private static IEnumerable<PolicyCase> Syn =>
    [
        new("Syn_Retransmitted_IsEstablishedOnItsFlow")
        {
            Arrange = c =>
            {
                c.Endpoint(EndpointFlags.IngressIsolated);
                c.Identity(Peer + "/32", PeerId);
                c.Rule(Ingress, PeerId, Tcp, 80, PolicyAction.Allow, 11);
            },
            Steps = [new(ToWorkload, PeerToLocal80, TcActOk, PolicyAllow), new(ToWorkload, PeerToLocal80, TcActOk, ConntrackEstablished)],
            Events = [new(FlowVerdict.Allowed, PolicyAllow, 11, PeerId)],
            Flows = c => [new(c.Flow(Ingress, Tcp, Peer, 40000, Local, 80), 11, 2, 0)],
        },
        new("Syn_LiveFlowPolicyNowDenies_PassesAsEstablished")
        {
            Arrange = c =>
            {
                c.Endpoint(EndpointFlags.IngressIsolated);
                c.Identity(Peer + "/32", PeerId);
                c.TrackedFlow(c.Flow(Ingress, Tcp, Peer, 40000, Local, 80), ConntrackState.SynSent, 11);
            },
            Steps = [new(ToWorkload, PeerToLocal80, TcActOk, ConntrackEstablished)],
            Flows = c => [new(c.Flow(Ingress, Tcp, Peer, 40000, Local, 80), 11, 2, 0)],
        },
        new("Syn_LiveFlowNoEndpoint_PassesAsEstablished")
        {
            Arrange = c => c.TrackedFlow(c.Flow(Ingress, Tcp, Peer, 40000, Local, 80), ConntrackState.SynSent, 11),
            Steps = [new(ToWorkload, PeerToLocal80, TcActOk, ConntrackEstablished)],
            Flows = c => [new(c.Flow(Ingress, Tcp, Peer, 40000, Local, 80), 11, 2, 0)],
        },
        new("Syn_AfterRst_IsANewFlowByPolicy")
        {
            Arrange = c =>
            {
                c.Endpoint(EndpointFlags.IngressIsolated);
                c.Identity(Peer + "/32", PeerId);
                c.Rule(Ingress, PeerId, Tcp, 80, PolicyAction.Allow, 11);
            },
            Steps =
            [
                new(ToWorkload, PeerToLocal80, TcActOk, PolicyAllow),
                new(ToWorkload, PacketBuilder.Ip(Peer, Local).Tcp(40000, 80, Rst), TcActOk, ConntrackEstablished),
                new(ToWorkload, PeerToLocal80, TcActOk, PolicyAllow),
            ],
            Events = [new(FlowVerdict.Allowed, PolicyAllow, 11, PeerId), new(FlowVerdict.Allowed, PolicyAllow, 11, PeerId)],
            Flows = c => [new(c.Flow(Ingress, Tcp, Peer, 40000, Local, 80), 11, 1, 0)],
        },
        new("Syn_OnExpiredEntry_IsANewFlowThatReusesIt")
        {
            Arrange = c =>
            {
                c.Endpoint(EndpointFlags.IngressIsolated);
                c.Identity(Peer + "/32", PeerId);
                c.Rule(Ingress, PeerId, Tcp, 80, PolicyAction.Allow, 11);
                c.TrackedFlow(c.Flow(Ingress, Tcp, Peer, 40000, Local, 80), ConntrackState.SynSent, 99, idleSeconds: 120);
            },
            Steps = [new(ToWorkload, PeerToLocal80, TcActOk, PolicyAllow), new(ToWorkload, PeerToLocal80, TcActOk, ConntrackEstablished)],
            Events = [new(FlowVerdict.Allowed, PolicyAllow, 11, PeerId)],
            Flows = c => [new(c.Flow(Ingress, Tcp, Peer, 40000, Local, 80), 11, 2, 0)],
        },
        new("Syn_OnExpiredEntry_PolicyDenies_DroppedAndEntryLeft")
        {
            Arrange = c =>
            {
                c.Endpoint(EndpointFlags.IngressIsolated);
                // Idle a minute past the loaded timeout (the fixture's, short: "hours ago" does not exist on a machine up for less).
                c.TrackedFlow(c.Flow(Ingress, Tcp, Peer, 40000, Local, 80), ConntrackState.Established, 99,
                    idleSeconds: (int)c.Datapath.ConntrackTimeouts.TcpEstablished.TotalSeconds + 60);
            },
            Steps = [new(ToWorkload, PeerToLocal80, TcActShot, DefaultDeny)],
            Events = [new(FlowVerdict.Denied, DefaultDeny, 0, World)],
            Flows = c => [new(c.Flow(Ingress, Tcp, Peer, 40000, Local, 80), 99, 1, 0)],
        },
        new("Syn_FromAddressNoLongerOwned_OnLiveFlowItOpened_PassesAsEstablished")
        {
            // The agent purges such flows when it takes the address away; until then the flow is live.
            Arrange = c =>
            {
                c.Endpoint(EndpointFlags.EgressIsolated);
                c.TrackedFlow(c.Flow(Egress, Tcp, "198.18.0.9", 40000, Peer, 80), ConntrackState.SynSent, 11);
            },
            Steps = [new(FromWorkload, PacketBuilder.Ip("198.18.0.9", Peer).Tcp(40000, 80), TcActOk, ConntrackEstablished)],
            Flows = c => [new(c.Flow(Egress, Tcp, "198.18.0.9", 40000, Peer, 80), 11, 2, 0)],
        },
        new("Syn_FromAddressNotOwned_NoFlow_IsSpoofed")
        {
            Arrange = c => c.Endpoint(EndpointFlags.EgressIsolated),
            Steps = [new(FromWorkload, PacketBuilder.Ip("198.18.0.9", Peer).Tcp(40000, 80), TcActShot, Spoofed)],
            Events = [new(FlowVerdict.Denied, Spoofed, 0, 0)],
        },
    ];
}
