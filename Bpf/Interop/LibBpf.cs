using System.Runtime.InteropServices;

namespace MicroSeg.Bpf.Interop;

/// <summary>
/// P/Invoke surface of libbpf 1.1 (Debian libbpf1). libbpf 1.x reports errors as a
/// negative errno from int functions and as NULL + errno from pointer functions, so
/// pointer-returning imports set SetLastError.
/// </summary>
internal static unsafe partial class LibBpf
{
    private const string Library = "libbpf.so.1";

    public const int BpfTcIngress = 1 << 0;
    public const int BpfTcEgress = 1 << 1;
    public const uint BpfTcFReplace = 1 << 0;
    public const ulong BpfAny = 0;

    /// <summary>Sets libbpf's print callback (level, format, va_list); returns the previous one.</summary>
    [LibraryImport(Library, EntryPoint = "libbpf_set_print")]
    public static partial nint SetPrint(delegate* unmanaged[Cdecl]<int, byte*, nint, int> print);

    [LibraryImport(Library, EntryPoint = "bpf_object__open_file", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial nint ObjectOpenFile(string path, nint opts);

    [LibraryImport(Library, EntryPoint = "bpf_object__load")]
    public static partial int ObjectLoad(nint obj);

    [LibraryImport(Library, EntryPoint = "bpf_object__close")]
    public static partial void ObjectClose(nint obj);

    [LibraryImport(Library, EntryPoint = "bpf_object__find_map_by_name", StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint ObjectFindMapByName(nint obj, string name);

    [LibraryImport(Library, EntryPoint = "bpf_object__find_program_by_name", StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint ObjectFindProgramByName(nint obj, string name);

    [LibraryImport(Library, EntryPoint = "bpf_map__set_pin_path", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int MapSetPinPath(nint map, string path);

    [LibraryImport(Library, EntryPoint = "bpf_map__set_max_entries")]
    public static partial int MapSetMaxEntries(nint map, uint maxEntries);

    [LibraryImport(Library, EntryPoint = "bpf_map__initial_value")]
    public static partial void* MapInitialValue(nint map, nuint* size);

    [LibraryImport(Library, EntryPoint = "bpf_map__type")]
    public static partial uint MapType(nint map);

    [LibraryImport(Library, EntryPoint = "bpf_map__key_size")]
    public static partial uint MapKeySize(nint map);

    [LibraryImport(Library, EntryPoint = "bpf_map__value_size")]
    public static partial uint MapValueSize(nint map);

    [LibraryImport(Library, EntryPoint = "bpf_map__max_entries")]
    public static partial uint MapMaxEntries(nint map);

    [LibraryImport(Library, EntryPoint = "bpf_map__map_flags")]
    public static partial uint MapFlags(nint map);

    /// <summary>Opens a pinned object; returns an fd or a negative errno.</summary>
    [LibraryImport(Library, EntryPoint = "bpf_obj_get", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int ObjGet(string path);

    [LibraryImport(Library, EntryPoint = "bpf_obj_get_info_by_fd")]
    public static partial int ObjGetInfoByFd(int fd, void* info, uint* infoLength);

    [LibraryImport(Library, EntryPoint = "bpf_map__fd")]
    public static partial int MapFd(nint map);

    [LibraryImport(Library, EntryPoint = "bpf_program__fd")]
    public static partial int ProgramFd(nint prog);

    [LibraryImport(Library, EntryPoint = "bpf_map_update_elem")]
    public static partial int MapUpdateElem(int fd, void* key, void* value, ulong flags);

    [LibraryImport(Library, EntryPoint = "bpf_map_lookup_elem")]
    public static partial int MapLookupElem(int fd, void* key, void* value);

    [LibraryImport(Library, EntryPoint = "bpf_map_delete_elem")]
    public static partial int MapDeleteElem(int fd, void* key);

    [LibraryImport(Library, EntryPoint = "bpf_map_get_next_key")]
    public static partial int MapGetNextKey(int fd, void* key, void* nextKey);

    /// <summary>BPF_MAP_LOOKUP_BATCH; <paramref name="count"/> in: room, out: entries read (also with -ENOENT, the last batch).</summary>
    [LibraryImport(Library, EntryPoint = "bpf_map_lookup_batch")]
    public static partial int MapLookupBatch(int fd, void* inBatch, void* outBatch, void* keys, void* values, uint* count, void* opts);

    [LibraryImport(Library, EntryPoint = "libbpf_num_possible_cpus")]
    public static partial int NumPossibleCpus();

    [LibraryImport(Library, EntryPoint = "bpf_tc_hook_create")]
    public static partial int TcHookCreate(BpfTcHook* hook);

    [LibraryImport(Library, EntryPoint = "bpf_tc_hook_destroy")]
    public static partial int TcHookDestroy(BpfTcHook* hook);

    [LibraryImport(Library, EntryPoint = "bpf_tc_attach")]
    public static partial int TcAttach(BpfTcHook* hook, BpfTcOpts* opts);

    [LibraryImport(Library, EntryPoint = "bpf_tc_detach")]
    public static partial int TcDetach(BpfTcHook* hook, BpfTcOpts* opts);

    /// <summary>Fills opts.ProgId with the program of the filter at opts' handle and priority; -ENOENT when there is none.</summary>
    [LibraryImport(Library, EntryPoint = "bpf_tc_query")]
    public static partial int TcQuery(BpfTcHook* hook, BpfTcOpts* opts);

    /// <summary>Opens a loaded program by id; returns an fd or a negative errno.</summary>
    [LibraryImport(Library, EntryPoint = "bpf_prog_get_fd_by_id")]
    public static partial int ProgGetFdById(uint id);

    [LibraryImport(Library, EntryPoint = "bpf_prog_test_run_opts")]
    public static partial int ProgTestRunOpts(int progFd, BpfTestRunOpts* opts);

    [LibraryImport(Library, EntryPoint = "ring_buffer__new", SetLastError = true)]
    public static partial nint RingBufferNew(int mapFd, delegate* unmanaged<nint, void*, nuint, int> sampleCallback, nint ctx, nint opts);

    [LibraryImport(Library, EntryPoint = "ring_buffer__consume")]
    public static partial int RingBufferConsume(nint rb);

    [LibraryImport(Library, EntryPoint = "ring_buffer__poll")]
    public static partial int RingBufferPoll(nint rb, int timeoutMs);

    [LibraryImport(Library, EntryPoint = "ring_buffer__free")]
    public static partial void RingBufferFree(nint rb);
}

/// <summary>Mirror of libbpf's <c>struct bpf_tc_hook</c> (24 bytes on 64-bit).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct BpfTcHook
{
    public nuint Size;
    public int IfIndex;
    public int AttachPoint;
    public uint Parent;
    private uint _tailPadding; // size_t :0 rounds the struct up to 8 bytes
}

/// <summary>Mirror of libbpf's <c>struct bpf_tc_opts</c> (32 bytes on 64-bit).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct BpfTcOpts
{
    public nuint Size;
    public int ProgFd;
    public uint Flags;
    public uint ProgId;
    public uint Handle;
    public uint Priority;
    private uint _tailPadding;
}

/// <summary>Mirror of libbpf 1.1's <c>struct bpf_test_run_opts</c> (80 bytes on 64-bit).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct BpfTestRunOpts
{
    public nuint Size;
    public void* DataIn;
    public void* DataOut;
    public uint DataSizeIn;
    public uint DataSizeOut;
    public void* CtxIn;
    public void* CtxOut;
    public uint CtxSizeIn;
    public uint CtxSizeOut;
    public uint Retval;
    public int Repeat;
    public uint Duration;
    public uint Flags;
    public uint Cpu;
    public uint BatchSize;
}
