using System.Buffers.Binary;
using System.Text;

namespace MicroSeg.NodeAgent.Interfaces;

/// <summary>
/// Reads rtnetlink link messages (uapi linux/netlink.h, linux/rtnetlink.h, linux/if_link.h): a
/// buffer holds nlmsghdr-framed messages; an RTM_NEWLINK/RTM_DELLINK carries an ifinfomsg and then
/// attributes, of which we need IFLA_IFNAME and the IFLA_INFO_KIND nested in IFLA_LINKINFO.
/// Everything is host byte order and 4-byte aligned.
/// </summary>
internal static class LinkMessages
{
    public const ushort NlmsgError = 2;
    public const ushort NlmsgDone = 3;
    public const ushort RtmNewLink = 16;
    public const ushort RtmDelLink = 17;
    public const ushort RtmGetLink = 18;
    public const int HeaderSize = 16;     // struct nlmsghdr
    public const int IfInfoSize = 16;     // struct ifinfomsg

    private const ushort IflaIfName = 3;
    private const ushort IflaLinkInfo = 18;
    private const ushort IflaInfoKind = 1;
    private const ushort NlaTypeMask = 0x3fff; // without NLA_F_NESTED and NLA_F_NET_BYTEORDER

    /// <summary>One framed message: its type and its payload after the nlmsghdr.</summary>
    public readonly ref struct Message(ushort type, ReadOnlySpan<byte> payload)
    {
        public ushort Type { get; } = type;

        public ReadOnlySpan<byte> Payload { get; } = payload;
    }

    /// <summary>Calls <paramref name="visit"/> for each message in <paramref name="buffer"/>; stops early when it returns false.</summary>
    public static void ForEach(ReadOnlySpan<byte> buffer, MessageVisitor visit)
    {
        while (buffer.Length >= HeaderSize)
        {
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(buffer);
            if (length < HeaderSize || length > buffer.Length)
                throw new InvalidDataException($"netlink message of length {length} in a buffer of {buffer.Length} bytes");
            var type = BinaryPrimitives.ReadUInt16LittleEndian(buffer[4..]);
            if (!visit(new Message(type, buffer[HeaderSize..length])))
                return;
            buffer = buffer[Math.Min(Align(length), buffer.Length)..];
        }
    }

    public delegate bool MessageVisitor(Message message);

    /// <summary>The link an RTM_NEWLINK/RTM_DELLINK payload describes; null if it has no name.</summary>
    public static LinkInfo? ReadLink(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < IfInfoSize)
            return null;
        var index = BinaryPrimitives.ReadInt32LittleEndian(payload[4..]);
        string? name = null, kind = null;
        foreach (var (type, value) in Attributes(payload[IfInfoSize..]))
        {
            if (type == IflaIfName)
                name = CString(value);
            else if (type == IflaLinkInfo)
            {
                foreach (var (innerType, inner) in Attributes(value))
                {
                    if (innerType == IflaInfoKind)
                        kind = CString(inner);
                }
            }
        }
        return name is null ? null : new LinkInfo(index, name, kind);
    }

    /// <summary>The (negative) errno of an NLMSG_ERROR payload; 0 is an acknowledgement.</summary>
    public static int ReadError(ReadOnlySpan<byte> payload) => payload.Length >= 4 ? BinaryPrimitives.ReadInt32LittleEndian(payload) : -5;

    /// <summary>An RTM_GETLINK dump request for every link (AF_UNSPEC).</summary>
    public static byte[] DumpRequest(uint sequence)
    {
        const ushort request = 0x1, dump = 0x300; // NLM_F_REQUEST, NLM_F_ROOT | NLM_F_MATCH
        var message = new byte[HeaderSize + IfInfoSize];
        BinaryPrimitives.WriteUInt32LittleEndian(message, (uint)message.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(4), RtmGetLink);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(6), request | dump);
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(8), sequence);
        return message;
    }

    // Attributes are returned as arrays: a ref struct span cannot be yielded, and links have few.
    private static List<(ushort Type, byte[] Value)> Attributes(ReadOnlySpan<byte> data)
    {
        var list = new List<(ushort, byte[])>();
        while (data.Length >= 4)
        {
            var length = BinaryPrimitives.ReadUInt16LittleEndian(data);
            if (length < 4 || length > data.Length)
                break;
            var type = (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(data[2..]) & NlaTypeMask);
            if (type is IflaIfName or IflaLinkInfo or IflaInfoKind)
                list.Add((type, data[4..length].ToArray()));
            data = data[Math.Min(Align(length), data.Length)..];
        }
        return list;
    }

    private static string CString(ReadOnlySpan<byte> value)
    {
        var end = value.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? value : value[..end]);
    }

    private static int Align(int length) => (length + 3) & ~3;
}
