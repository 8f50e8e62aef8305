using System.Runtime.InteropServices;
using MicroSeg.Bpf.Interop;

namespace MicroSeg.Bpf.Loading;

/// <summary>Makes sure bpffs is mounted; a fresh machine often has /sys/fs/bpf unmounted.</summary>
internal static unsafe class BpfFileSystem
{
    public const string DefaultMountPoint = "/sys/fs/bpf";

    public static void EnsureMounted(string mountPoint = DefaultMountPoint)
    {
        if (IsBpfFs(mountPoint))
            return;
        Directory.CreateDirectory(mountPoint);
        if (LibC.Mount("bpf", mountPoint, "bpf", 0, 0) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            // Another agent may have mounted it at the same moment.
            if (IsBpfFs(mountPoint))
                return;
            throw new BpfException("mount(bpf)", errno, mountPoint);
        }
    }

    public static bool IsBpfFs(string path)
    {
        var buffer = stackalloc byte[256]; // struct statfs is 120 bytes; be generous
        if (LibC.StatFs(path, buffer) != 0)
            return false;
        return *(long*)buffer == LibC.BpfFsMagic;
    }
}
