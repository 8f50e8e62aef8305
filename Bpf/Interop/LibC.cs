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

    [LibraryImport("libc", EntryPoint = "close")]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "if_nametoindex", StringMarshalling = StringMarshalling.Utf8)]
    public static partial uint IfNameToIndex(string name);

    /// <summary>vsnprintf(3); <paramref name="args"/> is a C <c>va_list</c> as a function receives it.</summary>
    [LibraryImport("libc", EntryPoint = "vsnprintf")]
    public static partial int VsnPrintf(byte* buffer, nuint size, byte* format, nint args);

    public const int ClockMonotonic = 1;

    /// <summary>struct timespec on 64-bit Linux.</summary>
    public struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime", SetLastError = true)]
    public static partial int ClockGetTime(int clock, TimeSpec* time);

    /// <summary>CLOCK_MONOTONIC in ns: the clock of bpf_ktime_get_ns().</summary>
    public static ulong MonotonicNanoseconds()
    {
        TimeSpec ts;
        if (ClockGetTime(ClockMonotonic, &ts) != 0)
            throw new BpfException("clock_gettime", Marshal.GetLastPInvokeError(), "CLOCK_MONOTONIC");
        return (ulong)ts.Seconds * 1_000_000_000UL + (ulong)ts.Nanoseconds;
    }
}
