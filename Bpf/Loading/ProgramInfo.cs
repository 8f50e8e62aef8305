using System.Runtime.InteropServices;
using System.Text;
using MicroSeg.Bpf.Interop;

namespace MicroSeg.Bpf.Loading;

/// <summary>
/// Identity of a loaded BPF program as the kernel reports it: its id (unique while it is loaded)
/// and its name, truncated by the kernel to 15 bytes ("ms_from_workloa").
/// </summary>
internal readonly record struct ProgramInfo(uint Id, string Name)
{
    /// <summary>Every MicroSeg entry program's name starts with this.</summary>
    public const string OurPrefix = "ms_";

    public bool IsOurs => Name.StartsWith(OurPrefix, StringComparison.Ordinal);

    public static unsafe ProgramInfo OfFd(int fd)
    {
        var info = default(BpfProgInfoHead);
        var length = (uint)sizeof(BpfProgInfoHead);
        var rc = LibBpf.ObjGetInfoByFd(fd, &info, &length);
        if (rc < 0)
            throw new BpfException("bpf_obj_get_info_by_fd", rc, $"program fd {fd}");
        var name = new ReadOnlySpan<byte>(info.Name, 16);
        var end = name.IndexOf((byte)0);
        return new ProgramInfo(info.Id, Encoding.UTF8.GetString(end < 0 ? name : name[..end]));
    }

    /// <summary>The program with <paramref name="id"/>, or null when it is no longer loaded.</summary>
    public static ProgramInfo? OfId(uint id)
    {
        var fd = LibBpf.ProgGetFdById(id);
        if (fd == -Errno.ENOENT)
            return null;
        if (fd < 0)
            throw new BpfException("bpf_prog_get_fd_by_id", fd, $"program id {id}");
        try
        {
            return OfFd(fd);
        }
        finally
        {
            LibC.Close(fd);
        }
    }

    /// <summary>
    /// The head of the kernel's <c>struct bpf_prog_info</c>, up to and including <c>name</c>. It must
    /// be zeroed: the kernel writes through every non-null pointer field.
    /// </summary>
    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct BpfProgInfoHead
    {
        public uint Type;
        public uint Id;
        public fixed byte Tag[8];
        public uint JitedProgLen;
        public uint XlatedProgLen;
        public ulong JitedProgInsns;
        public ulong XlatedProgInsns;
        public ulong LoadTime;
        public uint CreatedByUid;
        public uint NrMapIds;
        public ulong MapIds;
        public fixed byte Name[16];
    }
}
