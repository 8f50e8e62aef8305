using System.Net;
using System.Runtime.InteropServices;

namespace MicroSeg.Bpf;

/// <summary>
/// Key of ms_conntrack, mirror of <c>struct ms_ct_key</c> (44 bytes): the tuple of the
/// flow's first packet as seen at that endpoint, and the direction of the program that
/// saw it. Ports in host byte order; ICMP echo uses the echo id as both ports.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct ConntrackKey
{
    public uint IfIndex;
    public IpFamily Family;
    public byte Protocol;
    public TrafficDirection Direction;
    private byte _pad;
    public ushort SourcePort;
    public ushort DestinationPort;
    public IpAddressBytes SourceAddress;
    public IpAddressBytes DestinationAddress;

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
        Direction = direction;
        _pad = 0;
        SourcePort = sourcePort;
        DestinationPort = destinationPort;
        SourceAddress = IpAddressBytes.From(source);
        DestinationAddress = IpAddressBytes.From(destination);
    }

    public readonly IPAddress Source => SourceAddress.ToIPAddress(Family);

    public readonly IPAddress Destination => DestinationAddress.ToIPAddress(Family);

    public override readonly string ToString() =>
        $"if{IfIndex} {Direction} proto={Protocol} {Source}:{SourcePort} -> {Destination}:{DestinationPort}";
}

/// <summary>Value of ms_conntrack, mirror of <c>struct ms_ct_entry</c> (64 bytes). Times are CLOCK_MONOTONIC ns.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct ConntrackValue
{
    public ulong CreatedNs;
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
    private byte _pad0, _pad1, _pad2;
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
