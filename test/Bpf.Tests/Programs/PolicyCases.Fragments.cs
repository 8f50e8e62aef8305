using MicroSeg.Bpf.Tests.Packets;
using static MicroSeg.Bpf.DatapathProgram;
using static MicroSeg.Bpf.FlowReason;
using static MicroSeg.Bpf.ProgramRunResult;
using static MicroSeg.Bpf.TrafficDirection;

namespace MicroSeg.Bpf.Tests.Programs;

/// <summary>IP fragments: later fragments follow their first fragment's verdict. Each row uses its own fragment ids.</summary>
internal static partial class PolicyCases
{
    private static byte[] FirstFragment(string from, string to, uint id, ushort sport, ushort dport) =>
        PacketBuilder.Ip(from, to).WithFragment(id, 0, more: true).Udp(sport, dport);

    private static byte[] LaterFragment(string from, string to, uint id, int offset = 16, bool more = false) =>
        PacketBuilder.Ip(from, to).WithFragment(id, offset, more).Protocol(Udp, 16);

    private static IEnumerable<PolicyCase> Fragments =>
    [
        new("Fragments_FirstAllowed_LaterFollowIt")
        {
            Arrange = c =>
            {
                c.Endpoint(EndpointFlags.EgressIsolated);
                c.Rule(Egress, Any, Udp, 53, PolicyAction.Allow, 41);
            },
            Steps =
            [
                new(FromWorkload, FirstFragment(Local, Peer, 0x501, 5000, 53), TcActOk, PolicyAllow),
                new(FromWorkload, LaterFragment(Local, Peer, 0x501, 16, more: true), TcActOk, Fragment),
                new(FromWorkload, LaterFragment(Local, Peer, 0x501, 32), TcActOk, Fragment),
            ],
            Events = [new(FlowVerdict.Allowed, PolicyAllow, 41, World)],
            Flows = c => [new(c.Flow(Egress, Udp, Local, 5000, Peer, 53), 41, 1, 0)],
        },
        new("Fragments_FirstDenied_LaterDroppedWithoutEvents")
        {
            Arrange = c => c.Endpoint(EndpointFlags.EgressIsolated),
            Steps =
            [
                new(FromWorkload, FirstFragment(Local, Peer, 0x502, 5000, 53), TcActShot, DefaultDeny),
                new(FromWorkload, LaterFragment(Local, Peer, 0x502), TcActShot, FragmentDenied),
            ],
            Events = [new(FlowVerdict.Denied, DefaultDeny, 0, World)],
        },
        new("Fragments_FirstDenied_Monitor_LaterWouldDeny")
        {
            Arrange = c => c.Endpoint(EndpointFlags.EgressIsolated, EndpointMode.Monitor),
            Steps =
            [
                new(FromWorkload, FirstFragment(Local, Peer, 0x507, 5000, 53), TcActOk, DefaultDeny),
                new(FromWorkload, LaterFragment(Local, Peer, 0x507), TcActOk, FragmentDenied),
            ],
            Events = [new(FlowVerdict.WouldDeny, DefaultDeny, 0, World)],
        },
        new("Fragments_LaterWithoutFirst_Protect_DroppedAndReported")
        {
            Arrange = c => c.Endpoint(EndpointFlags.None),
            Steps = [new(ToWorkload, LaterFragment(Peer, Local, 0x503), TcActShot, FragmentUnknown)],
            Events = [new(FlowVerdict.Denied, FragmentUnknown, 0, 0)],
        },
        new("Fragments_LaterWithoutFirst_Monitor_PassesAndReported")
        {
            Arrange = c => c.Endpoint(EndpointFlags.None, EndpointMode.Monitor),
            Steps = [new(ToWorkload, LaterFragment(Peer, Local, 0x508), TcActOk, FragmentUnknown)],
            Events = [new(FlowVerdict.WouldDeny, FragmentUnknown, 0, 0)],
        },
        new("Fragments_FirstFragmentInOtherDirection_DoesNotAdmitLater")
        {
            Arrange = c => c.Endpoint(EndpointFlags.None),
            Steps =
            [
                new(FromWorkload, FirstFragment(Local, Peer, 0x509, 5000, 53), TcActOk, DefaultAllow),
                new(ToWorkload, LaterFragment(Local, Peer, 0x509), TcActShot, FragmentUnknown),
            ],
            Events = [new(FlowVerdict.Allowed, DefaultAllow, 0, World), new(FlowVerdict.Denied, FragmentUnknown, 0, 0)],
            Flows = c => [new(c.Flow(Egress, Udp, Local, 5000, Peer, 53), 0, 1, 0)],
        },
        new("Fragments_Ipv6_FirstAllowed_LaterFollow_OtherIdUnknown")
        {
            Arrange = c =>
            {
                c.Endpoint(EndpointFlags.IngressIsolated);
                c.Rule(Ingress, Any, Udp, 53, PolicyAction.Allow, 42);
            },
            Steps =
            [
                new(ToWorkload, FirstFragment(Peer6, Local6, 0x10504, 5000, 53), TcActOk, PolicyAllow),
                new(ToWorkload, LaterFragment(Peer6, Local6, 0x10504, 24), TcActOk, Fragment),
                new(ToWorkload, LaterFragment(Peer6, Local6, 0x10505, 24), TcActShot, FragmentUnknown),
            ],
            Events = [new(FlowVerdict.Allowed, PolicyAllow, 42, World), new(FlowVerdict.Denied, FragmentUnknown, 0, 0)],
            Flows = c => [new(c.Flow(Ingress, Udp, Peer6, 5000, Local6, 53), 42, 1, 0)],
        },
        new("Fragments_FirstOfTrackedFlow_LaterFollowConntrackVerdict")
        {
            Arrange = c =>
            {
                c.Endpoint(EndpointFlags.EgressIsolated);
                c.Rule(Egress, Any, Udp, 53, PolicyAction.Allow, 43);
            },
            Steps =
            [
                new(FromWorkload, PacketBuilder.Ip(Local, Peer).Udp(5001, 53), TcActOk, PolicyAllow),
                new(FromWorkload, FirstFragment(Local, Peer, 0x506, 5001, 53), TcActOk, ConntrackEstablished),
                new(FromWorkload, LaterFragment(Local, Peer, 0x506), TcActOk, Fragment),
            ],
            Events = [new(FlowVerdict.Allowed, PolicyAllow, 43, World)],
            Flows = c => [new(c.Flow(Egress, Udp, Local, 5001, Peer, 53), 43, 2, 0)],
        },
        new("Fragments_LaterFromForeignSource_DropsAsSpoofed")
        {
            Arrange = c => c.Endpoint(EndpointFlags.None),
            Steps = [new(FromWorkload, LaterFragment(Outside, Peer, 0x50a), TcActShot, Spoofed)],
            Events = [new(FlowVerdict.Denied, Spoofed, 0, 0)],
        },
    ];
}
