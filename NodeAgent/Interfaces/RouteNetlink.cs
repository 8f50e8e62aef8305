using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace MicroSeg.NodeAgent.Interfaces;

/// <summary>
/// NETLINK_ROUTE sockets, opened with libc and then driven as ordinary .NET sockets (async receive
/// with cancellation). The agent reads the link table from one and watches link changes on another
/// (bound to the RTMGRP_LINK multicast group). Both see the agent's own network namespace.
/// </summary>
internal static partial class RouteNetlink
{
    /// <summary>RTMGRP_LINK: link created, changed or deleted.</summary>
    public const uint LinkGroup = 1;

    private const int AfNetlink = 16;
    private const int SockRaw = 3;
    private const int SockCloexec = 0x80000;
    private const int NetlinkRoute = 0;
    private const int SocketBufferBytes = 1 << 20;

    /// <summary>Opens a socket subscribed to <paramref name="groups"/> (0: requests only).</summary>
    public static unsafe Socket Open(uint groups)
    {
        var fd = NativeSocket(AfNetlink, SockRaw | SockCloexec, NetlinkRoute);
        if (fd < 0)
            throw new SocketException(Marshal.GetLastPInvokeError());
        // struct sockaddr_nl: family, pad, pid (0: the kernel assigns one), groups.
        var address = stackalloc uint[3];
        address[0] = AfNetlink;
        address[1] = 0;
        address[2] = groups;
        if (NativeBind(fd, address, 12) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            _ = NativeClose(fd);
            throw new SocketException(errno);
        }
        var socket = new Socket(new SafeSocketHandle(fd, ownsHandle: true));
        // A burst of link changes (hundreds of pods started at once) must not overflow the queue;
        // if it does anyway, receive reports ENOBUFS and the watcher re-reads everything.
        socket.ReceiveBufferSize = SocketBufferBytes;
        return socket;
    }

    /// <summary>Every link of the agent's network namespace by name, from one RTM_GETLINK dump.</summary>
    public static Dictionary<string, LinkInfo> ListLinks()
    {
        using var socket = Open(0);
        socket.ReceiveTimeout = 5000;
        var sequence = (uint)Environment.TickCount;
        socket.Send(LinkMessages.DumpRequest(sequence));
        var links = new Dictionary<string, LinkInfo>(StringComparer.Ordinal);
        var buffer = new byte[SocketBufferBytes / 4];
        var done = false;
        while (!done)
        {
            var received = socket.Receive(buffer);
            LinkMessages.ForEach(buffer.AsSpan(0, received), message =>
            {
                switch (message.Type)
                {
                    case LinkMessages.NlmsgDone:
                        done = true;
                        return false;
                    case LinkMessages.NlmsgError:
                        var errno = LinkMessages.ReadError(message.Payload);
                        if (errno == 0)
                            return true;
                        throw new SocketException(-errno);
                    case LinkMessages.RtmNewLink when LinkMessages.ReadLink(message.Payload) is { } link:
                        links[link.Name] = link;
                        return true;
                    default:
                        return true;
                }
            });
        }
        return links;
    }

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    private static partial int NativeSocket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "bind", SetLastError = true)]
    private static unsafe partial int NativeBind(int fd, void* address, int length);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int NativeClose(int fd);
}
