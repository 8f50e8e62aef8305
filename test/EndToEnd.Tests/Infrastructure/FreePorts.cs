using System.Net;
using System.Net.Sockets;

namespace MicroSeg.EndToEnd.Tests.Infrastructure;

/// <summary>Loopback ports that are free right now, so parallel runs never collide on fixed ports.</summary>
internal static class FreePorts
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
