using MicroSeg.Bpf.Interop;

namespace MicroSeg.Bpf;

/// <summary>
/// A failed kernel/libbpf operation. The message names the operation, the errno (name and
/// number) and the object involved (path, map or ifindex).
/// </summary>
public sealed class BpfException : Exception
{
    public BpfException(string operation, int errno, string target)
        : base($"{operation} failed for {target}: {Errno.Describe(errno)}")
    {
        Operation = operation;
        ErrorNumber = Math.Abs(errno);
        Target = target;
    }

    /// <summary>The libbpf/libc call that failed, e.g. "bpf_tc_attach".</summary>
    public string Operation { get; }

    /// <summary>Positive errno.</summary>
    public int ErrorNumber { get; }

    /// <summary>The path, map name or interface the operation was about.</summary>
    public string Target { get; }
}
