using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace MicroSeg.Bpf.Tests.Packets;

/// <summary>
/// Crafts Ethernet frames for BPF_PROG_TEST_RUN: optional 802.1Q tag, IPv4 (optional
/// options) or IPv6 (optional hop-by-hop header), then TCP/UDP/ICMP/ICMPv6. Checksums
/// are left zero except IPv4's: the programs do not check them.
/// </summary>
internal sealed class PacketBuilder
{
    private const ushort EthIPv4 = 0x0800, EthIPv6 = 0x86DD, EthArp = 0x0806, EthVlan = 0x8100;
    private static readonly byte[] DestinationMac = [0x02, 0, 0, 0, 0, 0x02];
    private static readonly byte[] SourceMac = [0x02, 0, 0, 0, 0, 0x01];

    private readonly IPAddress _source;
    private readonly IPAddress _destination;
    private ushort? _vlan;
    private int _ipv4OptionBytes;
    private bool _hopByHop;
    private (uint Id, int Offset, bool More)? _fragment;

    private PacketBuilder(IPAddress source, IPAddress destination)
    {
        if (source.AddressFamily != destination.AddressFamily)
            throw new ArgumentException("source and destination differ in family");
        _source = source;
        _destination = destination;
    }

    public static PacketBuilder Ip(string source, string destination) =>
        new(IPAddress.Parse(source), IPAddress.Parse(destination));

    /// <summary>An ARP request (who-has), which the programs must pass.</summary>
    public static byte[] Arp()
    {
        var arp = new byte[28];
        BinaryPrimitives.WriteUInt16BigEndian(arp, 1);          // Ethernet
        BinaryPrimitives.WriteUInt16BigEndian(arp.AsSpan(2), EthIPv4);
        arp[4] = 6;
        arp[5] = 4;
        BinaryPrimitives.WriteUInt16BigEndian(arp.AsSpan(6), 1); // request
        return Ethernet(null, EthArp, arp);
    }

    public PacketBuilder WithVlan(ushort id)
    {
        _vlan = id;
        return this;
    }

    /// <summary>Adds IPv4 options (NOPs + end), a multiple of 4 bytes up to 40.</summary>
    public PacketBuilder WithIpv4Options(int bytes)
    {
        if (bytes % 4 != 0 || bytes > 40)
            throw new ArgumentOutOfRangeException(nameof(bytes));
        _ipv4OptionBytes = bytes;
        return this;
    }

    public PacketBuilder WithHopByHopHeader()
    {
        _hopByHop = true;
        return this;
    }

    /// <summary>
    /// Makes the packet a fragment: IPv4 id/offset/MF, or an IPv6 fragment header.
    /// <paramref name="offset"/> is in bytes (a multiple of 8); a later fragment (offset &gt; 0)
    /// should be built with <see cref="Protocol"/> so no transport header is written.
    /// </summary>
    public PacketBuilder WithFragment(uint id, int offset, bool more)
    {
        if (offset % 8 != 0 || offset < 0 || offset > 0xFFF8)
            throw new ArgumentOutOfRangeException(nameof(offset));
        _fragment = (id, offset, more);
        return this;
    }

    /// <summary>
    /// An ICMP (type 3/11/12) or ICMPv6 (type 1-4) error quoting <paramref name="quotedFrame"/>,
    /// a frame from this builder (its Ethernet header is stripped; up to 64 bytes are quoted).
    /// </summary>
    public byte[] IcmpError(byte type, byte code, byte[] quotedFrame)
    {
        var quoted = quotedFrame.AsSpan(14, Math.Min(64, quotedFrame.Length - 14));
        var icmp = new byte[8 + quoted.Length];
        icmp[0] = type;
        icmp[1] = code;
        quoted.CopyTo(icmp.AsSpan(8));
        var v6 = _source.AddressFamily == AddressFamily.InterNetworkV6;
        return Build(v6 ? (byte)ProtocolType.IcmpV6 : (byte)ProtocolType.Icmp, icmp);
    }

    public byte[] Tcp(ushort sourcePort, ushort destinationPort, byte flags = 0x02 /* SYN */)
    {
        var tcp = new byte[20];
        BinaryPrimitives.WriteUInt16BigEndian(tcp, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(tcp.AsSpan(2), destinationPort);
        tcp[12] = 5 << 4;
        tcp[13] = flags;
        BinaryPrimitives.WriteUInt16BigEndian(tcp.AsSpan(14), 64240);
        return Build((byte)ProtocolType.Tcp, tcp);
    }

    public byte[] Udp(ushort sourcePort, ushort destinationPort)
    {
        var udp = new byte[12];
        BinaryPrimitives.WriteUInt16BigEndian(udp, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(2), destinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(4), (ushort)udp.Length);
        return Build((byte)ProtocolType.Udp, udp);
    }

    /// <summary>An SCTP common header (no chunks).</summary>
    public byte[] Sctp(ushort sourcePort, ushort destinationPort)
    {
        var sctp = new byte[12];
        BinaryPrimitives.WriteUInt16BigEndian(sctp, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(sctp.AsSpan(2), destinationPort);
        BinaryPrimitives.WriteUInt32BigEndian(sctp.AsSpan(4), 0x1234);
        return Build(132, sctp);
    }

    /// <summary>A bare IP packet of any protocol number with <paramref name="payloadBytes"/> zero bytes.</summary>
    public byte[] Protocol(byte protocol, int payloadBytes = 8) => Build(protocol, new byte[payloadBytes]);

    /// <summary>ICMP (IPv4) or ICMPv6 echo request/reply with identifier <paramref name="id"/>.</summary>
    public byte[] IcmpEcho(ushort id, bool reply = false)
    {
        var v6 = _source.AddressFamily == AddressFamily.InterNetworkV6;
        var type = v6 ? (byte)(reply ? 129 : 128) : (byte)(reply ? 0 : 8);
        return Icmp(type, id);
    }

    /// <summary>An ICMP/ICMPv6 message of any type, e.g. 135 (neighbour solicitation).</summary>
    public byte[] Icmp(byte type, ushort id = 0)
    {
        var icmp = new byte[8];
        icmp[0] = type;
        BinaryPrimitives.WriteUInt16BigEndian(icmp.AsSpan(4), id);
        BinaryPrimitives.WriteUInt16BigEndian(icmp.AsSpan(6), 1);
        var v6 = _source.AddressFamily == AddressFamily.InterNetworkV6;
        return Build(v6 ? (byte)ProtocolType.IcmpV6 : (byte)ProtocolType.Icmp, icmp);
    }

    private byte[] Build(byte protocol, byte[] l4) =>
        _source.AddressFamily == AddressFamily.InterNetwork
            ? Ethernet(_vlan, EthIPv4, Ipv4(protocol, l4))
            : Ethernet(_vlan, EthIPv6, Ipv6(protocol, l4));

    private byte[] Ipv4(byte protocol, byte[] l4)
    {
        var headerLength = 20 + _ipv4OptionBytes;
        var packet = new byte[headerLength + l4.Length];
        packet[0] = (byte)(0x40 | (headerLength / 4));
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)packet.Length);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), _fragment is { } f ? (ushort)f.Id : (ushort)0x1234);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(6), _fragment is { } g
            ? (ushort)((g.More ? 0x2000 : 0) | (g.Offset / 8))
            : (ushort)0x4000); // DF
        packet[8] = 64;
        packet[9] = protocol;
        _source.GetAddressBytes().CopyTo(packet, 12);
        _destination.GetAddressBytes().CopyTo(packet, 16);
        packet.AsSpan(20, _ipv4OptionBytes).Fill(1); // NOP
        if (_ipv4OptionBytes > 0)
            packet[headerLength - 1] = 0;            // end of options
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(10), Checksum(packet.AsSpan(0, headerLength)));
        l4.CopyTo(packet, headerLength);
        return packet;
    }

    private byte[] Ipv6(byte protocol, byte[] l4)
    {
        if (_fragment is { } f)
        {
            var fragmentHeader = new byte[8 + l4.Length];
            fragmentHeader[0] = protocol;
            BinaryPrimitives.WriteUInt16BigEndian(fragmentHeader.AsSpan(2), (ushort)(f.Offset | (f.More ? 1 : 0)));
            BinaryPrimitives.WriteUInt32BigEndian(fragmentHeader.AsSpan(4), f.Id);
            l4.CopyTo(fragmentHeader, 8);
            (protocol, l4) = (44, fragmentHeader); // IPPROTO_FRAGMENT
        }
        var extension = _hopByHop ? 8 : 0;
        var packet = new byte[40 + extension + l4.Length];
        packet[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), (ushort)(extension + l4.Length));
        packet[6] = _hopByHop ? (byte)0 : protocol; // 0 = hop-by-hop options
        packet[7] = 64;
        _source.GetAddressBytes().CopyTo(packet, 8);
        _destination.GetAddressBytes().CopyTo(packet, 24);
        if (_hopByHop)
        {
            packet[40] = protocol;
            packet[41] = 0;   // 8 bytes in total
            packet[42] = 1;   // PadN
            packet[43] = 4;
        }
        l4.CopyTo(packet, 40 + extension);
        return packet;
    }

    private static byte[] Ethernet(ushort? vlan, ushort etherType, byte[] payload)
    {
        var tag = vlan is null ? 0 : 4;
        var frame = new byte[14 + tag + payload.Length];
        DestinationMac.CopyTo(frame, 0);
        SourceMac.CopyTo(frame, 6);
        if (vlan is { } id)
        {
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), EthVlan);
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(14), id);
        }
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12 + tag), etherType);
        payload.CopyTo(frame, 14 + tag);
        return frame;
    }

    private static ushort Checksum(ReadOnlySpan<byte> header)
    {
        uint sum = 0;
        for (var i = 0; i + 1 < header.Length; i += 2)
            sum += BinaryPrimitives.ReadUInt16BigEndian(header[i..]);
        while (sum > 0xFFFF)
            sum = (sum & 0xFFFF) + (sum >> 16);
        return (ushort)~sum;
    }
}
