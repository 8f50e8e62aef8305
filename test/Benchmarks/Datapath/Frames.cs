using System.Buffers.Binary;
using System.Net;

namespace MicroSeg.Benchmarks.Datapath;

/// <summary>Minimal Ethernet + IPv4 + TCP frames for the benchmarks (checksums are not checked by the programs).</summary>
internal static class Frames
{
    public const byte Syn = 0x02, Ack = 0x10, SynAck = 0x12;

    public static byte[] Tcp(IPAddress source, ushort sourcePort, IPAddress destination, ushort destinationPort, byte flags)
    {
        var frame = new byte[14 + 20 + 20];
        frame[0] = 0x02;
        frame[11] = 0x01;
        frame[6] = 0x02;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), 0x0800);
        var ip = frame.AsSpan(14);
        ip[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], 40);
        BinaryPrimitives.WriteUInt16BigEndian(ip[6..], 0x4000); // DF
        ip[8] = 64;
        ip[9] = 6;
        source.GetAddressBytes().CopyTo(ip[12..]);
        destination.GetAddressBytes().CopyTo(ip[16..]);
        var tcp = ip[20..];
        BinaryPrimitives.WriteUInt16BigEndian(tcp, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[2..], destinationPort);
        tcp[12] = 5 << 4;
        tcp[13] = flags;
        BinaryPrimitives.WriteUInt16BigEndian(tcp[14..], 64240);
        return frame;
    }

    /// <summary>198.18.0.0 + <paramref name="offset"/> (inside the benchmark range 198.18.0.0/15).</summary>
    public static IPAddress BenchAddress(int offset)
    {
        if (offset is < 0 or >= 1 << 17)
            throw new ArgumentOutOfRangeException(nameof(offset));
        var value = (198u << 24) | (18u << 16) | (uint)offset;
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return new IPAddress(bytes);
    }
}
