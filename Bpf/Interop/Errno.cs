namespace MicroSeg.Bpf.Interop;

/// <summary>Names for the errno values the loader meets, for readable errors.</summary>
internal static class Errno
{
    public const int EPERM = 1;
    public const int ENOENT = 2;
    public const int E2BIG = 7;
    public const int EBADF = 9;
    public const int ENOMEM = 12;
    public const int EACCES = 13;
    public const int EFAULT = 14;
    public const int EBUSY = 16;
    public const int EEXIST = 17;
    public const int ENODEV = 19;
    public const int EINVAL = 22;
    public const int ENOSPC = 28;
    public const int ENOTSUP = 95;

    private static readonly Dictionary<int, string> Names = new()
    {
        [EPERM] = "EPERM", [ENOENT] = "ENOENT", [E2BIG] = "E2BIG", [EBADF] = "EBADF",
        [ENOMEM] = "ENOMEM", [EACCES] = "EACCES", [EFAULT] = "EFAULT", [EBUSY] = "EBUSY",
        [EEXIST] = "EEXIST", [ENODEV] = "ENODEV", [EINVAL] = "EINVAL", [ENOSPC] = "ENOSPC",
        [ENOTSUP] = "ENOTSUP", [4000] = "LIBBPF_ERRNO__LIBELF", [4001] = "LIBBPF_ERRNO__FORMAT",
        [4005] = "LIBBPF_ERRNO__RELOC", [4006] = "LIBBPF_ERRNO__LOAD", [4007] = "LIBBPF_ERRNO__VERIFY",
        [4008] = "LIBBPF_ERRNO__PROG2BIG",
    };

    public static string Describe(int errno)
    {
        errno = Math.Abs(errno);
        return Names.TryGetValue(errno, out var name) ? $"{name} ({errno})" : $"errno {errno}";
    }
}
