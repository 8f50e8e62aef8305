using System.Runtime.InteropServices;

namespace MicroSeg.Bpf.Interop;

/// <summary>The few libc calls the loader needs (errno via SetLastError).</summary>
internal static unsafe partial class LibC
{
    /// <summary>statfs f_type of a mounted bpffs.</summary>
    public const long BpfFsMagic = 0xcafe4a11;

    [LibraryImport("libc", EntryPoint = "mount", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Mount(string source, string target, string fileSystemType, ulong flags, nint data);

    // struct statfs is 120 bytes on x86_64/arm64; f_type is the first long.
    [LibraryImport("libc", EntryPoint = "statfs", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int StatFs(string path, byte* buffer);

    [LibraryImport("libc", EntryPoint = "if_nametoindex", StringMarshalling = StringMarshalling.Utf8)]
    public static partial uint IfNameToIndex(string name);
}
