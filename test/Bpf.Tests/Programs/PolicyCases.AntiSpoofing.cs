using MicroSeg.Bpf.Tests.Packets;
using static MicroSeg.Bpf.DatapathProgram;
using static MicroSeg.Bpf.FlowReason;
using static MicroSeg.Bpf.ProgramRunResult;
using static MicroSeg.Bpf.TrafficDirection;

namespace MicroSeg.Bpf.Tests.Programs;

/// <summary>Anti-spoofing rows: a workload may only send from its own addresses.</summary>
internal static partial class PolicyCases
{
    private const string OtherWorkload = "198.18.0.9";

    // A second address of the workload, per family: with it the endpoint has more than its entry holds.
    private const string Second = "198.18.0.11", Second6 = "fd00:198:18::11";

    private static IEnumerable<PolicyCase> AntiSpoofing =>
    [
        new("Protect_ForeignSource_DropsAsSpoofed")
        {
            Arrange = c => c.Endpoint(EndpointFlags.None),
            Steps = [new(FromWorkload, PacketBuilder.Ip(Outside, Peer).Tcp(40000, 80), TcActShot, Spoofed)],
            Events = [new(FlowVerdict.Denied, Spoofed, 0, 0)],
        },
        new("Protect_OtherWorkloadsAddress_DropsAsSpoofed")
        {
            Arrange = c =>
            {
                c.Endpoint(EndpointFlags.None);
                c.Source(c.IfIndex + 1000, OtherWorkload); // registered, but for another interface
            },
            Steps = [new(FromWorkload, PacketBuilder.Ip(OtherWorkload, Peer).Udp(5353, 53), TcActShot, Spoofed)],
            Events = [new(FlowVerdict.Denied, Spoofed, 0, 0)],
        },
        new("Protect_OwnSource_IsEvaluatedByPolicy")
        {
            Arrange = c => c.Endpoint(EndpointFlags.None),
            Steps = [new(FromWorkload, PacketBuilder.Ip(Local, Peer).Udp(5353, 53), TcActOk, DefaultAllow)],
            Events = [new(FlowVerdict.Allowed, DefaultAllow, 0, World)],
            Flows = c => [new(c.Flow(Egress, Udp, Local, 5353, Peer, 53), 0, 1, 0)],
        },
        new("Monitor_ForeignSource_PassesAndReportsSpoofed")
        {
            Arrange = c => c.Endpoint(EndpointFlags.None, EndpointMode.Monitor),
            Steps = [new(FromWorkload, PacketBuilder.Ip(Outside, Peer).Tcp(40000, 80), TcActOk, Spoofed)],
            Events = [new(FlowVerdict.WouldDeny, Spoofed, 0, 0)],
        },
        new("Protect_NoRegisteredAddresses_DropsAllIp")
        {
            Arrange = c => c.Endpoint(EndpointFlags.None, withAddresses: false),
            Steps =
            [
                new(FromWorkload, PacketBuilder.Ip(Local, Peer).Tcp(40000, 80), TcActShot, Spoofed),
                new(FromWorkload, PacketBuilder.Arp(), TcActOk, NotIp),
            ],
            Events = [new(FlowVerdict.Denied, Spoofed, 0, 0)],
        },
        new("NoSourceCheckFlag_AnySource_IsEvaluatedByPolicy")
        {
            Arrange = c => c.Endpoint(EndpointFlags.NoSourceCheck, withAddresses: false),
            Steps = [new(FromWorkload, PacketBuilder.Ip(Outside, Peer).Udp(5353, 53), TcActOk, DefaultAllow)],
            Events = [new(FlowVerdict.Allowed, DefaultAllow, 0, World)],
            Flows = c => [new(c.Flow(Egress, Udp, Outside, 5353, Peer, 53), 0, 1, 0)],
        },
        new("Ipv6ForeignSource_Protect_DropsAsSpoofed")
        {
            Arrange = c => c.Endpoint(EndpointFlags.None),
            Steps =
            [
                new(FromWorkload, PacketBuilder.Ip("fd00:198:18::77", Peer6).Tcp(40000, 80), TcActShot, Spoofed),
                new(FromWorkload, PacketBuilder.Ip(Local6, Peer6).Tcp(40000, 80), TcActOk, DefaultAllow),
            ],
            Events = [new(FlowVerdict.Denied, Spoofed, 0, 0), new(FlowVerdict.Allowed, DefaultAllow, 0, World)],
            Flows = c => [new(c.Flow(Egress, Tcp, Local6, 40000, Peer6, 80), 0, 1, 0)],
        },
        new("Ipv6LinkLocalSource_NotRegistered_IsEvaluatedByPolicy")
        {
            Arrange = c => c.Endpoint(EndpointFlags.EgressIsolated),
            Steps = [new(FromWorkload, PacketBuilder.Ip("fe80::1", "fe80::2").Udp(546, 547), TcActShot, DefaultDeny)],
            Events = [new(FlowVerdict.Denied, DefaultDeny, 0, World)],
        },
        new("IngressFromAnySource_IsNotSpoofing")
        {
            Arrange = c => c.Endpoint(EndpointFlags.None),
            Steps = [new(ToWorkload, PacketBuilder.Ip(Outside, Local).Tcp(40000, 80), TcActOk, DefaultAllow)],
            Events = [new(FlowVerdict.Allowed, DefaultAllow, 0, World)],
            Flows = c => [new(c.Flow(Ingress, Tcp, Outside, 40000, Local, 80), 0, 1, 0)],
        },
        // The endpoint entry holds the workload's addresses (as the agent writes it): no map probe.
        new("EntryHoldsSource_NotInMap_IsEvaluatedByPolicy")
        {
            Arrange = c => c.EndpointHolding(EndpointFlags.None, [Local], inMap: false),
            Steps = [new(FromWorkload, PacketBuilder.Ip(Local, Peer).Udp(5353, 53), TcActOk, DefaultAllow)],
            Events = [new(FlowVerdict.Allowed, DefaultAllow, 0, World)],
            Flows = c => [new(c.Flow(Egress, Udp, Local, 5353, Peer, 53), 0, 1, 0)],
        },
        new("EntryHoldsAllSources_ForeignOrOtherFamilySource_DropsAsSpoofed")
        {
            Arrange = c => c.EndpointHolding(EndpointFlags.None, [Local]),
            Steps =
            [
                new(FromWorkload, PacketBuilder.Ip(Outside, Peer).Tcp(40000, 80), TcActShot, Spoofed),
                new(FromWorkload, PacketBuilder.Ip(OtherWorkload, Peer).Tcp(40000, 80), TcActShot, Spoofed),
                // The entry holds no IPv6 address and all there are: an IPv6 source is not its own.
                new(FromWorkload, PacketBuilder.Ip(Local6, Peer6).Tcp(40000, 80), TcActShot, Spoofed),
            ],
            Events = [new(FlowVerdict.Denied, Spoofed, 0, 0), new(FlowVerdict.Denied, Spoofed, 0, 0), new(FlowVerdict.Denied, Spoofed, 0, 0)],
        },
        new("EntryHoldsAllSources_ForeignSourceInMap_DropsAsSpoofed")
        {
            // Complete entry: the map is not consulted, so a stray map entry admits nothing.
            Arrange = c =>
            {
                c.EndpointHolding(EndpointFlags.None, [Local]);
                c.Source(c.IfIndex, Outside);
            },
            Steps = [new(FromWorkload, PacketBuilder.Ip(Outside, Peer).Tcp(40000, 80), TcActShot, Spoofed)],
            Events = [new(FlowVerdict.Denied, Spoofed, 0, 0)],
        },
        new("EntryHoldsAllSources_Ipv6LinkLocal_IsEvaluatedByPolicy")
        {
            // Link-local stays exempt when the entry is complete (checked before the entry decides).
            Arrange = c => c.EndpointHolding(EndpointFlags.EgressIsolated, [Local, Local6]),
            Steps = [new(FromWorkload, PacketBuilder.Ip("fe80::1", "fe80::2").Udp(546, 547), TcActShot, DefaultDeny)],
            Events = [new(FlowVerdict.Denied, DefaultDeny, 0, World)],
        },
        new("MoreSourcesThanFit_AddressOnlyInMap_IsEvaluatedByPolicy")
        {
            Arrange = c => c.EndpointHolding(EndpointFlags.None, [Local, Second]),
            Steps =
            [
                new(FromWorkload, PacketBuilder.Ip(Second, Peer).Udp(5353, 53), TcActOk, DefaultAllow),
                new(FromWorkload, PacketBuilder.Ip(Local, Peer).Udp(5353, 53), TcActOk, DefaultAllow),
                new(FromWorkload, PacketBuilder.Ip(Outside, Peer).Udp(5353, 53), TcActShot, Spoofed),
            ],
            Events = [new(FlowVerdict.Allowed, DefaultAllow, 0, World), new(FlowVerdict.Allowed, DefaultAllow, 0, World), new(FlowVerdict.Denied, Spoofed, 0, 0)],
            Flows = c => [new(c.Flow(Egress, Udp, Second, 5353, Peer, 53), 0, 1, 0), new(c.Flow(Egress, Udp, Local, 5353, Peer, 53), 0, 1, 0)],
        },
        new("MoreSourcesThanFit_AddressInNeither_DropsAsSpoofed")
        {
            // The second address is neither held in the entry nor in the map: the fallback is the map.
            Arrange = c => c.EndpointHolding(EndpointFlags.None, [Local, Second], inMap: false),
            Steps =
            [
                new(FromWorkload, PacketBuilder.Ip(Second, Peer).Udp(5353, 53), TcActShot, Spoofed),
                new(FromWorkload, PacketBuilder.Ip(Local, Peer).Udp(5353, 53), TcActOk, DefaultAllow),
            ],
            Events = [new(FlowVerdict.Denied, Spoofed, 0, 0), new(FlowVerdict.Allowed, DefaultAllow, 0, World)],
            Flows = c => [new(c.Flow(Egress, Udp, Local, 5353, Peer, 53), 0, 1, 0)],
        },
        new("Ipv6EntryHoldsSource_OwnAllowed_ForeignDropsAsSpoofed")
        {
            Arrange = c => c.EndpointHolding(EndpointFlags.None, [Local, Local6], inMap: false),
            Steps =
            [
                new(FromWorkload, PacketBuilder.Ip(Local6, Peer6).Tcp(40000, 80), TcActOk, DefaultAllow),
                new(FromWorkload, PacketBuilder.Ip("fd00:198:18::77", Peer6).Tcp(40001, 80), TcActShot, Spoofed),
                // Same last word as the own address: the whole 16 bytes are compared.
                new(FromWorkload, PacketBuilder.Ip("fd01:198:18::1", Peer6).Tcp(40002, 80), TcActShot, Spoofed),
            ],
            Events = [new(FlowVerdict.Allowed, DefaultAllow, 0, World), new(FlowVerdict.Denied, Spoofed, 0, 0), new(FlowVerdict.Denied, Spoofed, 0, 0)],
            Flows = c => [new(c.Flow(Egress, Tcp, Local6, 40000, Peer6, 80), 0, 1, 0)],
        },
        new("Ipv6MoreSourcesThanFit_AddressOnlyInMap_IsEvaluatedByPolicy")
        {
            Arrange = c => c.EndpointHolding(EndpointFlags.None, [Local6, Second6]),
            Steps =
            [
                new(FromWorkload, PacketBuilder.Ip(Second6, Peer6).Tcp(40000, 80), TcActOk, DefaultAllow),
                new(FromWorkload, PacketBuilder.Ip("fd00:198:18::77", Peer6).Tcp(40001, 80), TcActShot, Spoofed),
            ],
            Events = [new(FlowVerdict.Allowed, DefaultAllow, 0, World), new(FlowVerdict.Denied, Spoofed, 0, 0)],
            Flows = c => [new(c.Flow(Egress, Tcp, Second6, 40000, Peer6, 80), 0, 1, 0)],
        },
        new("Monitor_EntryHoldsAllSources_ForeignSource_PassesAndReportsSpoofed")
        {
            Arrange = c => c.Datapath.Endpoints.Update(c.IfIndex,
                new EndpointValue(CaseContext.LocalIdentity, EndpointMode.Monitor, EndpointFlags.None).WithSources([System.Net.IPAddress.Parse(Local)])),
            Steps = [new(FromWorkload, PacketBuilder.Ip(Outside, Peer).Tcp(40000, 80), TcActOk, Spoofed)],
            Events = [new(FlowVerdict.WouldDeny, Spoofed, 0, 0)],
        },
        new("SpoofedSource_MatchingReplyTuple_StillDrops")
        {
            // A flow toward an address the workload does not own (e.g. flooded by the bridge)
            // must not let the workload answer from that address.
            Arrange = c => c.Endpoint(EndpointFlags.None),
            Steps =
            [
                new(ToWorkload, PacketBuilder.Ip(Peer, OtherWorkload).Tcp(40000, 80), TcActOk, DefaultAllow),
                new(FromWorkload, PacketBuilder.Ip(OtherWorkload, Peer).Tcp(80, 40000, 0x12), TcActShot, Spoofed),
            ],
            Events = [new(FlowVerdict.Allowed, DefaultAllow, 0, World), new(FlowVerdict.Denied, Spoofed, 0, 0)],
            Flows = c => [new(c.Flow(Ingress, Tcp, Peer, 40000, OtherWorkload, 80), 0, 1, 0)],
        },
    ];
}
