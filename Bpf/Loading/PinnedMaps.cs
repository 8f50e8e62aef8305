using System.Runtime.InteropServices;
using MicroSeg.Bpf.Interop;

namespace MicroSeg.Bpf.Loading;

/// <summary>
/// Refuses, before load and with every difference named, pins this object cannot reuse: a map of
/// another type, key or value size, size or flags (libbpf would only say that the load failed), or
/// pins made with another layout of the same sizes, which ms_abi's size (the data plane's ABI
/// version) tells apart. Reusing them would misread every entry.
/// </summary>
internal static unsafe class PinnedMaps
{
    public const string AbiMap = "ms_abi";

    /// <param name="pinDirectory">Where the node's maps are pinned.</param>
    /// <param name="maps">Map name → the object's map (after any size was set).</param>
    public static void Verify(string pinDirectory, IReadOnlyDictionary<string, nint> maps)
    {
        var problems = new List<string>();
        var pinned = maps.Keys.Where(n => File.Exists(Path.Combine(pinDirectory, n))).ToList();
        if (pinned.Count > 0 && !pinned.Contains(AbiMap) && maps.TryGetValue(AbiMap, out var abi))
            problems.Add($"the pins have no {AbiMap} (data-plane ABI version 1, before versioning), this object needs {LibBpf.MapMaxEntries(abi)}");
        foreach (var (name, map) in maps)
        {
            var path = Path.Combine(pinDirectory, name);
            if (!File.Exists(path))
                continue;
            var found = Describe(path);
            var wanted = new Shape(LibBpf.MapType(map), LibBpf.MapKeySize(map), LibBpf.MapValueSize(map), LibBpf.MapMaxEntries(map), LibBpf.MapFlags(map));
            if (IsResizedRing(found, wanted))
                continue; // ReplaceResizedRing replaces it once the others pass
            if (name == AbiMap && found.MaxEntries != wanted.MaxEntries)
                problems.Add($"the pins have data-plane ABI version {found.MaxEntries}, this object needs {wanted.MaxEntries}");
            else if (found != wanted)
                problems.Add($"{name} is {found}, this object needs {wanted}");
        }
        if (problems.Count > 0)
        {
            throw new BpfException("reuse of pinned maps", Errno.EINVAL,
                $"{pinDirectory} ({string.Join("; ", problems)}). Remove the directory to start afresh (live connections are then " +
                "forgotten and re-evaluated by policy), or run the agent version that made it");
        }
    }

    /// <summary>
    /// Removes the pin of the ring buffer at <paramref name="path"/> when it is a ring of another size than
    /// <paramref name="map"/> (the object's, sized), so the load makes and pins a new one. Call it after
    /// <see cref="Verify"/> (which lets such a ring pass), so a refused load removes nothing. What it loses is the
    /// events no one has read yet; the programs still attached keep writing to the old ring until the new ones
    /// replace them. Returns whether it removed the pin.
    /// </summary>
    public static bool ReplaceResizedRing(string path, nint map)
    {
        if (!File.Exists(path))
            return false;
        var wanted = new Shape(LibBpf.MapType(map), LibBpf.MapKeySize(map), LibBpf.MapValueSize(map), LibBpf.MapMaxEntries(map), LibBpf.MapFlags(map));
        if (!IsResizedRing(Describe(path), wanted))
            return false;
        File.Delete(path);
        return true;
    }

    private const uint RingBufferType = 27; // BPF_MAP_TYPE_RINGBUF

    /// <summary>A ring buffer that differs only in size: what it holds (unread events) may be dropped.</summary>
    private static bool IsResizedRing(Shape found, Shape wanted) =>
        wanted.Type == RingBufferType && found != wanted && found with { MaxEntries = wanted.MaxEntries } == wanted;

    private static Shape Describe(string path)
    {
        var fd = LibBpf.ObjGet(path);
        if (fd < 0)
            throw new BpfException("bpf_obj_get", fd, path);
        try
        {
            BpfMapInfo info;
            var length = (uint)sizeof(BpfMapInfo);
            var rc = LibBpf.ObjGetInfoByFd(fd, &info, &length);
            if (rc < 0)
                throw new BpfException("bpf_obj_get_info_by_fd", rc, path);
            return new Shape(info.Type, info.KeySize, info.ValueSize, info.MaxEntries, info.MapFlags);
        }
        finally
        {
            LibC.Close(fd);
        }
    }

    private readonly record struct Shape(uint Type, uint KeySize, uint ValueSize, uint MaxEntries, uint Flags)
    {
        public override string ToString() =>
            $"type {Type}, key {KeySize} B, value {ValueSize} B, {MaxEntries} entries, flags 0x{Flags:x}";
    }

    /// <summary>The head of the kernel's <c>struct bpf_map_info</c> (the kernel fills at most the length given).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct BpfMapInfo
    {
        public uint Type;
        public uint Id;
        public uint KeySize;
        public uint ValueSize;
        public uint MaxEntries;
        public uint MapFlags;
    }
}
