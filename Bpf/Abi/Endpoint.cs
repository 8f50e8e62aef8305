using System.Runtime.InteropServices;

namespace MicroSeg.Bpf;

/// <summary>Value of ms_endpoints (key: host-side ifindex), mirror of <c>struct ms_endpoint</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct EndpointValue
{
    public uint Identity;
    public EndpointMode Mode;
    public EndpointFlags Flags;
    private ushort _pad;

    public EndpointValue(uint identity, EndpointMode mode, EndpointFlags flags)
    {
        Identity = identity;
        Mode = mode;
        Flags = flags;
        _pad = 0;
    }
}
