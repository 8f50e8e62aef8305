using MicroSeg.Bpf.Interop;

namespace MicroSeg.Bpf;

/// <summary>
/// ms_control_plane reached through its pin alone, without loading the data plane: what an operator's
/// command uses while the agent runs (or not) on the same pins.
/// </summary>
public static unsafe class PinnedControlPlane
{
    public const string MapName = "ms_control_plane";

    /// <summary>Reads the record pinned in <paramref name="pinDirectory"/>.</summary>
    /// <exception cref="BpfException">No such pin (ENOENT), or the map cannot be read.</exception>
    public static ControlPlaneRecord Read(string pinDirectory)
    {
        var fd = Open(pinDirectory);
        try
        {
            var key = 0u;
            var record = default(ControlPlaneRecord);
            var rc = LibBpf.MapLookupElem(fd, &key, &record);
            if (rc < 0)
                throw new BpfException("bpf_map_lookup_elem", rc, Path.Combine(pinDirectory, MapName));
            return record;
        }
        finally
        {
            LibC.Close(fd);
        }
    }

    /// <summary>
    /// Zeroes the record: the agent then applies the next state it is offered as it would on a fresh node,
    /// whatever control plane it comes from and however little it holds.
    /// </summary>
    public static void Forget(string pinDirectory)
    {
        var fd = Open(pinDirectory);
        try
        {
            var key = 0u;
            var record = default(ControlPlaneRecord);
            var rc = LibBpf.MapUpdateElem(fd, &key, &record, LibBpf.BpfAny);
            if (rc < 0)
                throw new BpfException("bpf_map_update_elem", rc, Path.Combine(pinDirectory, MapName));
        }
        finally
        {
            LibC.Close(fd);
        }
    }

    private static int Open(string pinDirectory)
    {
        var path = Path.Combine(pinDirectory, MapName);
        var fd = LibBpf.ObjGet(path);
        if (fd < 0)
            throw new BpfException("bpf_obj_get", fd, path);
        return fd;
    }
}
