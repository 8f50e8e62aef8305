using System.Net;
using System.Net.Sockets;

namespace MicroSeg.Testing;

/// <summary>A network namespace with one interface (eth0) on the test bridge.</summary>
public sealed class TestPod
{
    private readonly List<IDisposable> _open = new();

    internal TestPod(string name, string ns, string hostInterface, int hostIfIndex, IPAddress address, string cidr)
    {
        Cidr = cidr;
        Name = name;
        Namespace = ns;
        HostInterface = hostInterface;
        HostIfIndex = hostIfIndex;
        Address = address;
    }

    public string Name { get; }

    /// <summary>The netns name (under /var/run/netns).</summary>
    public string Namespace { get; }

    /// <summary>The host-side veth, where the data plane attaches.</summary>
    public string HostInterface { get; }

    /// <summary>The host side's ifindex; a new one after <see cref="TestNetwork.RecreateVeth"/>.</summary>
    public int HostIfIndex { get; internal set; }

    public IPAddress Address { get; }

    /// <summary>The address with its prefix, as given to <see cref="TestNetwork.AddPod"/>.</summary>
    public string Cidr { get; }

    /// <summary>Accepts TCP connections on <paramref name="port"/> and echoes every byte back.</summary>
    public IDisposable ListenTcp(int port)
    {
        var socket = CreateSocket(SocketType.Stream, ProtocolType.Tcp);
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        socket.Bind(new IPEndPoint(Address, port));
        socket.Listen(64);
        return Track(new TcpEchoListener(socket));
    }

    /// <summary>Connects from this pod and exchanges one byte; false on refusal, drop or timeout.</summary>
    public async Task<bool> CanConnectTcpAsync(IPAddress to, int port, TimeSpan timeout, CancellationToken ct = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        using var socket = CreateSocket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(to, port), cts.Token);
            return await TcpSession.RoundTripAsync(socket, cts.Token);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Opens a long-lived connection from this pod; throws if it cannot connect.</summary>
    public async Task<TcpSession> OpenTcpAsync(IPAddress to, int port, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var socket = CreateSocket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(to, port), cts.Token);
            return Track(new TcpSession(socket));
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            socket.Dispose();
            throw new InvalidOperationException($"pod {Name} could not connect to {to}:{port} within {timeout}: {ex.Message}", ex);
        }
    }

    /// <summary>Echoes every UDP datagram received on <paramref name="port"/> to its sender.</summary>
    public IDisposable ListenUdpEcho(int port)
    {
        var socket = CreateSocket(SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(Address, port));
        return Track(new UdpEchoListener(socket));
    }

    /// <summary>Sends one datagram from this pod and waits for the echo.</summary>
    public async Task<bool> CanExchangeUdpAsync(IPAddress to, int port, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        using var socket = CreateSocket(SocketType.Dgram, ProtocolType.Udp);
        var payload = new byte[] { 0x4d, 0x53 };
        try
        {
            await socket.SendToAsync(payload, new IPEndPoint(to, port), cts.Token);
            var buffer = new byte[64];
            var received = await socket.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), cts.Token);
            return buffer.AsSpan(0, received.ReceivedBytes).SequenceEqual(payload);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    internal void CloseAll()
    {
        lock (_open)
        {
            foreach (var item in _open)
                item.Dispose();
            _open.Clear();
        }
    }

    private Socket CreateSocket(SocketType type, ProtocolType protocol) =>
        NetNamespace.CreateSocket(Namespace, Address.AddressFamily, type, protocol);

    private T Track<T>(T item) where T : IDisposable
    {
        lock (_open)
            _open.Add(item);
        return item;
    }
}
