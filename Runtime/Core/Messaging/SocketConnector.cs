using System.Net.Sockets;

namespace MicroSeg.Runtime.Messaging;

/// <summary>Opens a TCP connection (no Nagle) within a deadline, as a stream for pipes.</summary>
internal static class SocketConnector
{
    public static async Task<NetworkStream> ConnectAsync(string host, int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(timeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host, port, attempt.Token).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new NetworkStream(socket, ownsSocket: true);
    }
}
