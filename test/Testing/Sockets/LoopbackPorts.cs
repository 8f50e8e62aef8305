using System.Net;
using System.Net.Sockets;

namespace MicroSeg.Testing.Sockets;

/// <summary>Ports for test servers on loopback.</summary>
public static class LoopbackPorts
{
    /// <summary>A TCP port on 127.0.0.1 that was free a moment ago (the kernel's pick, then released).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
