using System.Text;

namespace MicroSeg.NodeAgent.Interfaces;

/// <summary>
/// The kernel's rules for a network device name (dev_valid_name in net/core/dev.c), checked before
/// a name is looked up or attached to: 1 to 15 bytes (IFNAMSIZ 16 with its NUL), not "." or "..",
/// and no '/', ':', NUL or byte the kernel's isspace() accepts. A name the kernel could never have
/// given a device is a mistake in the workload, and is refused rather than passed to libc, which
/// would cut it at a NUL or read it in ways that differ from the kernel's.
/// </summary>
internal static class InterfaceNames
{
    private const int MaxBytes = 15;

    /// <summary>Null when <paramref name="name"/> is a valid device name, else why not.</summary>
    public static string? Check(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var bytes = Encoding.UTF8.GetBytes(name);
        if (bytes.Length == 0)
            return "an interface name must not be empty";
        if (bytes.Length > MaxBytes)
            return $"'{Printable(name)}' is {bytes.Length} bytes; Linux device names have at most {MaxBytes}";
        if (name is "." or "..")
            return $"'{name}' is not a device name";
        foreach (var b in bytes)
        {
            if (b == 0)
                return $"'{Printable(name)}' contains a NUL byte";
            if (b is (byte)'/' or (byte)':')
                return $"'{Printable(name)}' contains '{(char)b}', which Linux device names cannot hold";
            if (IsKernelSpace(b))
                return $"'{Printable(name)}' contains white space, which Linux device names cannot hold";
        }
        return null;
    }

    // The kernel's ctype table marks \t \n \v \f \r, space and 0xA0 (Latin-1 no-break space) as space.
    private static bool IsKernelSpace(byte b) => b is (>= 9 and <= 13) or 32 or 0xA0;

    private static string Printable(string name) =>
        string.Concat(name.Select(c => char.IsControl(c) ? $"\\x{(int)c:x2}" : c.ToString()));
}
