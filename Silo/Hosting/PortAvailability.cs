using System.Net;
using System.Net.Sockets;

namespace MicroSeg.Silo.Hosting;

/// <summary>
/// Checks, before anything starts, that the ports this silo listens on are free. Without it a taken port shows
/// up as a stack trace from deep inside Kestrel or the Orleans listener; with it the operator reads which port,
/// which option sets it, and the process exits non-zero (make run, systemd and Kubernetes all see the failure).
/// </summary>
internal static class PortAvailability
{
    /// <summary>The first taken port as a sentence naming the port and its option, or null when all are free.</summary>
    public static string? FindTaken(SiloCommandOptions options)
    {
        var http = new Uri(options.Http);
        var siloAddress = options.Postgres is null ? IPAddress.Loopback
            : options.Advertise == "127.0.0.1" ? IPAddress.Loopback : IPAddress.Any;
        (IPAddress Address, int Port, string Option)[] endpoints =
        [
            (HttpAddress(http.Host), http.Port, $"--http {options.Http}"),
            (siloAddress, options.SiloPort, "--silo-port"),
            (siloAddress, options.GatewayPort, "--gateway-port"),
        ];
        foreach (var (address, port, option) in endpoints)
        {
            if (!IsFree(address, port))
                return $"port {port} ({option}) is already in use by another process: stop it or choose another port with {option.Split(' ')[0]}.";
        }
        return null;
    }

    /// <summary>True when the exception, or one it wraps, says an address was already in use.</summary>
    public static bool IsAddressInUse(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } or Microsoft.AspNetCore.Connections.AddressInUseException)
                return true;
            if (ex is AggregateException aggregate && aggregate.InnerExceptions.Any(IsAddressInUse))
                return true;
        }
        return false;
    }

    private static IPAddress HttpAddress(string host) =>
        IPAddress.TryParse(host.Trim('[', ']'), out var address) ? address
        : host == "localhost" ? IPAddress.Loopback
        : IPAddress.Any;

    private static bool IsFree(IPAddress address, int port)
    {
        // The same socket options Kestrel and Orleans use on Linux (SO_REUSEADDR): a port in TIME_WAIT from
        // the previous run counts as free, as it is for them; only a live listener counts as taken.
        using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(new IPEndPoint(address, port));
            socket.Listen();
            return true;
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.AddressAlreadyInUse)
        {
            return false;
        }
    }
}
