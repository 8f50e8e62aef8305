using MicroSeg.Bpf.Interop;

namespace MicroSeg.Bpf;

/// <summary>Interface name lookups in the caller's network namespace.</summary>
public static class NetworkInterfaces
{
    /// <summary>The ifindex of <paramref name="name"/>, or 0 when there is no such interface.</summary>
    public static int IndexOf(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return (int)LibC.IfNameToIndex(name);
    }
}
