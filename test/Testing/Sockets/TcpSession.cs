using System.Net.Sockets;

namespace MicroSeg.Testing;

/// <summary>An open TCP connection from a pod to an echo listener.</summary>
public sealed class TcpSession : IDisposable
{
    private readonly Socket _socket;

    internal TcpSession(Socket socket) => _socket = socket;

    /// <summary>True when one byte goes out and comes back within <paramref name="timeout"/>.</summary>
    public async Task<bool> EchoAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            return await RoundTripAsync(_socket, cts.Token);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            return false;
        }
    }

    public void Dispose() => _socket.Dispose();

    internal static async Task<bool> RoundTripAsync(Socket socket, CancellationToken ct)
    {
        var probe = new byte[] { 0x2a };
        await socket.SendAsync(probe, SocketFlags.None, ct);
        var buffer = new byte[1];
        var read = await socket.ReceiveAsync(buffer, SocketFlags.None, ct);
        return read == 1 && buffer[0] == probe[0];
    }
}
