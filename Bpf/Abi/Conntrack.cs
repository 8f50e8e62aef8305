using System.Net;
using System.Runtime.InteropServices;

namespace MicroSeg.Bpf;

/// <summary>
/// Key of a flow of either family, mirror of <c>struct ms_ct_key</c> (44 bytes), the key of ms_conntrack6;
/// <see cref="ConntrackTable"/> stores an IPv4 flow in ms_conntrack4 under its 20-byte key. The flow at one endpoint,
/// from the workload's side (its own address and port, then the peer's), so both directions of a
/// flow share the key. Ports in host byte order; ICMP echo uses the echo id as both ports. Which
/// side opened the flow is <see cref="ConntrackValue.Direction"/>.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct ConntrackKey
{
    public uint IfIndex;
    public IpFamily Family;
    public byte Protocol;
    private ushort _pad;
    public ushort LocalPort;
    public ushort RemotePort;
    public IpAddressBytes LocalAddress;
    public IpAddressBytes RemoteAddress;

    /// <summary>
    /// The key of the flow a packet belongs to, from the packet as the program of
    /// <paramref name="direction"/> sees it: the workload is the source of what it sends
    /// (<see cref="TrafficDirection.Egress"/>) and the destination of what it receives.
    /// </summary>
    public ConntrackKey(uint ifindex, TrafficDirection direction, byte protocol,
        IPAddress source, ushort sourcePort, IPAddress destination, ushort destinationPort)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        IfIndex = ifindex;
        Family = IpAddressBytes.FamilyOf(source);
        if (IpAddressBytes.FamilyOf(destination) != Family)
            throw new ArgumentException($"Source {source} and destination {destination} differ in family.", nameof(destination));
        Protocol = protocol;
        _pad = 0;
        var fromWorkload = direction == TrafficDirection.Egress;
        LocalPort = fromWorkload ? sourcePort : destinationPort;
        RemotePort = fromWorkload ? destinationPort : sourcePort;
        LocalAddress = IpAddressBytes.From(fromWorkload ? source : destination);
        RemoteAddress = IpAddressBytes.From(fromWorkload ? destination : source);
    }

    /// <summary>The workload's address in the flow.</summary>
    public readonly IPAddress Local => LocalAddress.ToIPAddress(Family);

    /// <summary>The peer's address in the flow.</summary>
    public readonly IPAddress Remote => RemoteAddress.ToIPAddress(Family);

    public override readonly string ToString() =>
        $"if{IfIndex} proto={Protocol} local {Local}:{LocalPort} remote {Remote}:{RemotePort}";
}

/// <summary>
/// Value of ms_conntrack4 and ms_conntrack6, mirror of <c>struct ms_ct_entry</c> (80 bytes). Times are CLOCK_MONOTONIC ns.
/// Packets and bytes count from the flow's creation; the data path reports their growth (<see cref="FlowReport"/>).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct ConntrackValue
{
    /// <summary>The flow's last report, or its creation until the first one.</summary>
    public ulong ReportedNs;
    public ulong LastSeenNs;
    public ulong PacketsOriginal;
    public ulong BytesOriginal;
    public ulong PacketsReply;
    public ulong BytesReply;

    /// <summary>The rule that allowed the flow; 0 = default allow.</summary>
    public uint RuleId;
    public uint RemoteIdentity;
    public ConntrackFlags Flags;

    /// <summary>TCP state; <see cref="ConntrackState.None"/> for other protocols.</summary>
    public ConntrackState State;

    /// <summary>The program that saw the flow's first packet: egress = the workload opened it.</summary>
    public TrafficDirection Direction;
    private byte _pad0, _pad1;

    /// <summary>Packets of both directions when the flow was last reported.</summary>
    public ulong ReportedPackets;

    /// <summary>Bytes of both directions when the flow was last reported.</summary>
    public ulong ReportedBytes;
}

/// <summary>
/// Mirror of <c>struct ms_ct_timeouts</c>: idle timeouts in ns, written into the object's
/// read-only data before load (see <see cref="ConntrackTimeouts"/> for the options form).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ConntrackTimeoutsValue
{
    public ulong TcpSynNs;
    public ulong TcpEstablishedNs;
    public ulong TcpFinNs;
    public ulong TcpClosedNs;
    public ulong UdpNs;
    public ulong IcmpNs;
    public ulong OtherNs;
}
