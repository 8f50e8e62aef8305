using System.Net;
using System.Net.Sockets;

namespace MicroSeg.Testing;

/// <summary>Accept loop that echoes bytes on every connection until disposed.</summary>
internal sealed class TcpEchoListener : IDisposable
{
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _connections = new();

    public TcpEchoListener(Socket listener)
    {
        _listener = listener;
        _ = AcceptLoopAsync();
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Dispose();
        lock (_connections)
        {
            foreach (var connection in _connections)
                connection.Dispose();
            _connections.Clear();
        }
    }

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var connection = await _listener.AcceptAsync(_stop.Token);
                lock (_connections)
                    _connections.Add(connection);
                _ = EchoAsync(connection);
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Listener closed.
        }
    }

    private async Task EchoAsync(Socket connection)
    {
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await connection.ReceiveAsync(buffer, SocketFlags.None, _stop.Token)) > 0)
                await connection.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Peer or listener closed.
        }
        finally
        {
            connection.Dispose();
        }
    }
}

/// <summary>Receive loop that sends every datagram back to its sender until disposed.</summary>
internal sealed class UdpEchoListener : IDisposable
{
    private readonly Socket _socket;
    private readonly CancellationTokenSource _stop = new();

    public UdpEchoListener(Socket socket)
    {
        _socket = socket;
        _ = EchoLoopAsync();
    }

    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
    }

    private async Task EchoLoopAsync()
    {
        var buffer = new byte[65536];
        EndPoint any = new IPEndPoint(_socket.AddressFamily == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any, 0);
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var received = await _socket.ReceiveFromAsync(buffer, any, _stop.Token);
                await _socket.SendToAsync(buffer.AsMemory(0, received.ReceivedBytes), received.RemoteEndPoint, _stop.Token);
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Socket closed.
        }
    }
}
