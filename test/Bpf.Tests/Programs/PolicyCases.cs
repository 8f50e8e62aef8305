using MicroSeg.Bpf.Tests.Packets;
using static MicroSeg.Bpf.DatapathProgram;
using static MicroSeg.Bpf.FlowReason;
using static MicroSeg.Bpf.ProgramRunResult;
using static MicroSeg.Bpf.TrafficDirection;

namespace MicroSeg.Bpf.Tests.Programs;

/// <summary>
/// The table. Local workload 198.18.0.1 (identity 100); peer 198.18.0.2 (identity 200 when
/// the row maps it); 198.19.200.1 is never in the ipcache (WORLD). All in 198.18.0.0/15.
/// </summary>
internal static partial class PolicyCases
{
    private const string Local = "198.18.0.1", Peer = "198.18.0.2", Outside = "198.19.200.1";
    private const string Local6 = "fd00:198:18::1", Peer6 = "fd00:198:18::2";
    private const byte Tcp = 6, Udp = 17, Icmp = 1;
    private const uint PeerId = 200;
    private const uint World = ReservedIdentity.World, Any = ReservedIdentity.Any;

    private static readonly byte[] PeerToLocal80 = PacketBuilder.Ip(Peer, Local).Tcp(40000, 80);
    private static readonly byte[] LocalToPeer80Reply = PacketBuilder.Ip(Local, Peer).Tcp(80, 40000, 0x12);

    public static IEnumerable<PolicyCase> All => [.. Basics, .. AntiSpoofing, .. Protocols, .. Fragments, .. Related, .. Ranges, .. Syn];

    private static IEnumerable<PolicyCase> Basics =>
    [
        new("NoEndpoint_AnyPacket_Passes")
        {
            Steps = [new(ToWorkload, PeerToLocal80, TcActOk, NoEndpoint)],
        },
        new("IsolatedEndpoint_Arp_Passes")
        {
            Arrange = c => c.Endpoint(EndpointFlags.IngressIsolated | EndpointFlags.EgressIsolated),
            Steps = [new(ToWorkload, PacketBuilder.Arp(), TcActOk, NotIp), new(FromWorkload, PacketBuilder.Arp(), TcActOk, NotIp)],
        },
        new("IsolatedIngress_NoRule_Drops")
        {
            Arrange = c => c.Endpoint(EndpointFlags.IngressIsolated),
            Steps = [new(ToWorkload, PeerToLocal80, TcActShot, DefaultDeny)],
            Events = [new(FlowVerdict.Denied, DefaultDeny, 0, World)],
        },
        new("ExactAllow_NewFlow_PassesAndTracks")
        {
            Arrange = c =>
            {
                c.Endpoint(EndpointFlags.IngressIsolated);
                c.Identity(Peer + "/32", PeerId);
                c.Rule(Ingress, PeerId, Tcp, 80, PolicyAction.Allow, 11);
            },
            Steps = [new(ToWorkload, PeerToLocal80, TcActOk, PolicyAllow)],
            Events = [new(FlowVerdict.Allowed, PolicyAllow, 11, PeerId)],
            Flows = c => [new(c.Flow(Ingress, Tcp, Peer, 40000, Local, 80), 11, 1, 0)],
        },
        new("AllowedFlow_ReplyAndMorePackets_PassViaConntrack")
        {
            Arrange = c =>
            {
                c.Endpoint(EndpointFlags.IngressIsolated | EndpointFlags.EgressIsolated);
                c.Identity(Peer + "/32", PeerId);
                c.Rule(Ingress, PeerId, Tcp, 80, PolicyAction.Allow, 11);
            },
            Steps =
            [
                new(ToWorkload, PeerToLocal80, TcActOk, PolicyAllow),
                new(FromWorkload, LocalToPeer80Reply, TcActOk, ConntrackReply),
                new(ToWorkload, PeerToLocal80, TcActOk, ConntrackEstablished),
                // Egress is isolated without rules: a new flow out is still dropped.
                new(FromWorkload, PacketBuilder.Ip(Local, Peer).Tcp(40001, 80), TcActShot, DefaultDeny),
            ],
            Events = [new(FlowVerdict.Allowed, PolicyAllow, 11, PeerId), new(FlowVerdict.Denied, DefaultDeny, 0, PeerId)],
            Flows = c => [new(c.Flow(Ingress, Tcp, Peer, 40000, Local, 80), 11, 2, 1)],
        },
        new("DenyAndAllowMatch_DenyWins")
        {
            Arrange = c =>
            {
                c.Endpoint(EndpointFlags.None);
                c.Identity(Peer + "/32", PeerId);
                c.Rule(Ingress, PeerId, Tcp, 80, PolicyAction.Allow, 11);
                c.Rule(Ingress, Any, 0, 0, PolicyAction.Deny, 99);
            },
            Steps = [new(ToWorkload, PeerToLocal80, TcActShot, PolicyDeny)],
            Events = [new(FlowVerdict.Denied, PolicyDeny, 99, PeerId)],
        },
        new("AnyPortRule_OtherPort_Passes")
        {
            Arrange = c =>
            {
                c.Endpoint(EndpointFlags.IngressIsolated);
                c.Identity(Peer + "/32", PeerId);
                c.Rule(Ingress, PeerId, Tcp, 0, PolicyAction.Allow, 12);
            },
            Steps = [new(ToWorkload, PacketBuilder.Ip(Peer, Local).Tcp(40000, 8080), TcActOk, PolicyAllow)],
            Events = [new(FlowVerdict.Allowed, PolicyAllow, 12, PeerId)],
            Flows = c => [new(c.Flow(Ingress, Tcp, Peer, 40000, Local, 8080), 12, 1, 0)],
        },
        new("AnyIdentityRule_WorldPeer_Passes")
        {
            Arrange = c =>
            {
                c.Endpoint(EndpointFlags.IngressIsolated);
                c.Rule(Ingress, Any, Tcp, 80, PolicyAction.Allow, 13);
            },
            Steps = [new(ToWorkload, PacketBuilder.Ip(Outside, Local).Tcp(40000, 80), TcActOk, PolicyAllow)],
            Events = [new(FlowVerdict.Allowed, PolicyAllow, 13, World)],
            Flows = c => [new(c.Flow(Ingress, Tcp, Outside, 40000, Local, 80), 13, 1, 0)],
        },
        new("NestedCidrs_LongestPrefix_DecidesIdentity")
        {
            Arrange = c =>
            {
                c.Endpoint(EndpointFlags.IngressIsolated);
                c.Identity("198.18.0.0/16", 300);
                c.Identity("198.18.7.0/24", 301);
                c.Rule(Ingress, 301, Tcp, 80, PolicyAction.Allow, 21);
                c.Rule(Ingress, 300, Tcp, 80, PolicyAction.Deny, 22);
            },
            Steps =
            [
                new(ToWorkload, PacketBuilder.Ip("198.18.7.9", Local).Tcp(40000, 80), TcActOk, PolicyAllow),
                new(ToWorkload, PacketBuilder.Ip("198.18.8.9", Local).Tcp(40000, 80), TcActShot, PolicyDeny),
            ],
            Events = [new(FlowVerdict.Allowed, PolicyAllow, 21, 301), new(FlowVerdict.Denied, PolicyDeny, 22, 300)],
            Flows = c => [new(c.Flow(Ingress, Tcp, "198.18.7.9", 40000, Local, 80), 21, 1, 0)],
        },
        new("HostEntry_InsideBlock_HostTableAnswersFirst")
        {
            Arrange = c =>
            {
                c.Endpoint(EndpointFlags.IngressIsolated);
                c.Identity("198.18.7.0/24", 300);     // trie
                c.Identity("198.18.7.9/32", 301);     // host table
                c.IdentityInTrie("198.18.7.10", 302); // a single address in the trie is still found
                c.Rule(Ingress, 301, Tcp, 80, PolicyAction.Allow, 23);
                c.Rule(Ingress, 302, Tcp, 80, PolicyAction.Allow, 24);
            },
            Steps =
            [
                new(ToWorkload, PacketBuilder.Ip("198.18.7.9", Local).Tcp(40000, 80), TcActOk, PolicyAllow),
                new(ToWorkload, PacketBuilder.Ip("198.18.7.10", Local).Tcp(40000, 80), TcActOk, PolicyAllow),
                new(ToWorkload, PacketBuilder.Ip("198.18.7.11", Local).Tcp(40000, 80), TcActShot, DefaultDeny),
            ],
            Events = [new(FlowVerdict.Allowed, PolicyAllow, 23, 301), new(FlowVerdict.Allowed, PolicyAllow, 24, 302), new(FlowVerdict.Denied, DefaultDeny, 0, 300)],
            Flows = c =>
            [
                new(c.Flow(Ingress, Tcp, "198.18.7.9", 40000, Local, 80), 23, 1, 0),
                new(c.Flow(Ingress, Tcp, "198.18.7.10", 40000, Local, 80), 24, 1, 0),
            ],
        },
        new("MonitorMode_WouldDeny_PassesAndReports")
        {
            Arrange = c => c.Endpoint(EndpointFlags.IngressIsolated, EndpointMode.Monitor),
            Steps = [new(ToWorkload, PeerToLocal80, TcActOk, DefaultDeny), new(ToWorkload, PeerToLocal80, TcActOk, DefaultDeny)],
            Events = [new(FlowVerdict.WouldDeny, DefaultDeny, 0, World), new(FlowVerdict.WouldDeny, DefaultDeny, 0, World)],
        },
        new("IngressIsolatedOnly_Egress_PassesByDefault")
        {
            Arrange = c => c.Endpoint(EndpointFlags.IngressIsolated),
            Steps = [new(FromWorkload, PacketBuilder.Ip(Local, Peer).Udp(5353, 53), TcActOk, DefaultAllow)],
            Events = [new(FlowVerdict.Allowed, DefaultAllow, 0, World)],
            Flows = c => [new(c.Flow(Egress, Udp, Local, 5353, Peer, 53), 0, 1, 0)],
        },
        new("TcpRule_UdpSamePort_Drops")
        {
            Arrange = c =>
            {
                c.Endpoint(EndpointFlags.EgressIsolated);
                c.Rule(Egress, Any, Tcp, 53, PolicyAction.Allow, 14);
            },
            Steps =
            [
                new(FromWorkload, PacketBuilder.Ip(Local, Peer).Udp(5353, 53), TcActShot, DefaultDeny),
                new(FromWorkload, PacketBuilder.Ip(Local, Peer).Tcp(5353, 53), TcActOk, PolicyAllow),
            ],
            Events = [new(FlowVerdict.Denied, DefaultDeny, 0, World), new(FlowVerdict.Allowed, PolicyAllow, 14, World)],
            Flows = c => [new(c.Flow(Egress, Tcp, Local, 5353, Peer, 53), 14, 1, 0)],
        },
        new("VlanTagAndIpOptions_ExactAllow_Passes")
        {
            Arrange = c =>
            {
                c.Endpoint(EndpointFlags.IngressIsolated);
                c.Identity(Peer + "/32", PeerId);
                c.Rule(Ingress, PeerId, Tcp, 80, PolicyAction.Allow, 11);
            },
            Steps = [new(ToWorkload, PacketBuilder.Ip(Peer, Local).WithVlan(7).WithIpv4Options(12).Tcp(40000, 80), TcActOk, PolicyAllow)],
            Events = [new(FlowVerdict.Allowed, PolicyAllow, 11, PeerId)],
            Flows = c => [new(c.Flow(Ingress, Tcp, Peer, 40000, Local, 80), 11, 1, 0)],
        },
        new("IcmpEchoAllowed_Reply_PassesViaConntrack")
        {
            Arrange = c =>
            {
                c.Endpoint(EndpointFlags.IngressIsolated | EndpointFlags.EgressIsolated);
                c.Rule(Egress, Any, Icmp, 0, PolicyAction.Allow, 15);
            },
            Steps =
            [
                new(FromWorkload, PacketBuilder.Ip(Local, Peer).IcmpEcho(77), TcActOk, PolicyAllow),
                new(ToWorkload, PacketBuilder.Ip(Peer, Local).IcmpEcho(77, reply: true), TcActOk, ConntrackReply),
                new(ToWorkload, PacketBuilder.Ip(Peer, Local).IcmpEcho(78), TcActShot, DefaultDeny),
            ],
            Events = [new(FlowVerdict.Allowed, PolicyAllow, 15, World), new(FlowVerdict.Denied, DefaultDeny, 0, World)],
            Flows = c => [new(c.Flow(Egress, Icmp, Local, 77, Peer, 77), 15, 1, 1)],
        },
        new("TruncatedTcpHeader_Protect_Drops")
        {
            Arrange = c => c.Endpoint(EndpointFlags.None),
            Steps = [new(ToWorkload, PeerToLocal80[..(14 + 20 + 10)], TcActShot, Malformed)],
        },
        new("Ipv6ExactAllow_WithHopByHop_PassesAndTracks")
        {
            Arrange = c =>
            {
                c.Endpoint(EndpointFlags.IngressIsolated);
                c.Identity(Peer6 + "/128", PeerId);
                c.Rule(Ingress, PeerId, Tcp, 443, PolicyAction.Allow, 16);
            },
            Steps =
            [
                new(ToWorkload, PacketBuilder.Ip(Peer6, Local6).WithHopByHopHeader().Tcp(40000, 443), TcActOk, PolicyAllow),
                new(ToWorkload, PacketBuilder.Ip(Peer6, Local6).Tcp(40000, 444), TcActShot, DefaultDeny),
            ],
            Events = [new(FlowVerdict.Allowed, PolicyAllow, 16, PeerId), new(FlowVerdict.Denied, DefaultDeny, 0, PeerId)],
            Flows = c => [new(c.Flow(Ingress, Tcp, Peer6, 40000, Local6, 443), 16, 1, 0)],
        },
        new("Ipv6NeighbourSolicitation_Isolated_Passes")
        {
            Arrange = c => c.Endpoint(EndpointFlags.IngressIsolated | EndpointFlags.EgressIsolated),
            Steps = [new(ToWorkload, PacketBuilder.Ip(Peer6, Local6).Icmp(135), TcActOk, NeighborDiscovery)],
        },
    ];

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var c in All)
            data.Add(c.Name);
        return data;
    }

    public static PolicyCase Get(string name) => All.Single(c => c.Name == name);
}
