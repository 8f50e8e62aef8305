using System.Net;
using System.Net.Sockets;

namespace MicroSeg.Benchmarks.Load;

/// <summary>A loopback TCP port nothing listens on right now, for in-process silos and APIs.</summary>
internal static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
