using System.Net;
using System.Net.Sockets;

namespace MicroSeg.Testing;

/// <summary>
/// UDP exchange that works for both address families (<see cref="TestPod.CanExchangeUdpAsync"/>
/// receives with an IPv4 wildcard endpoint, which an IPv6 socket rejects).
/// </summary>
public static class TestPodUdp
{
    /// <summary>Sends one datagram from <paramref name="pod"/> and waits for the echo.</summary>
    public static async Task<bool> CanExchangeUdpAnyFamilyAsync(this TestPod pod, IPAddress to, int port, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(pod);
        using var cts = new CancellationTokenSource(timeout);
        using var socket = NetNamespace.CreateSocket(pod.Namespace, pod.Address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        var payload = new byte[] { 0x4d, 0x53, 0x36 };
        var any = new IPEndPoint(pod.Address.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        try
        {
            await socket.SendToAsync(payload, new IPEndPoint(to, port), cts.Token);
            var buffer = new byte[64];
            var received = await socket.ReceiveFromAsync(buffer, any, cts.Token);
            return buffer.AsSpan(0, received.ReceivedBytes).SequenceEqual(payload);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return false;
        }
    }
}
