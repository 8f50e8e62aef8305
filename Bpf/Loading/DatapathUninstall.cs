using MicroSeg.Bpf.Interop;
using MicroSeg.Bpf.Loading;

namespace MicroSeg.Bpf;

/// <summary>What <see cref="DatapathUninstall.Run"/> removed.</summary>
/// <param name="DetachedInterfaces">Ifindexes our filters were removed from.</param>
/// <param name="PinDirectoryRemoved">Whether the pin directory existed and is now gone.</param>
public sealed record UninstallResult(IReadOnlyList<int> DetachedInterfaces, bool PinDirectoryRemoved);

/// <summary>
/// The only way enforcement is removed from a node: programs, pinned maps and connection state
/// otherwise outlive every agent exit. Detaches our filters from every interface recorded in the
/// pinned ms_endpoints map, then removes the pins and their directory. Nothing but our own objects
/// is touched: a filter at our handle whose program is not one of ours stays, and so does any file
/// in the directory that is not one of our maps (the directory then stays too, and that is an error).
/// </summary>
public static class DatapathUninstall
{
    public static UninstallResult Run(string pinDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(pinDirectory);
        if (!Directory.Exists(pinDirectory))
            return new UninstallResult([], false);

        var detached = new List<int>();
        var endpointsPin = Path.Combine(pinDirectory, "ms_endpoints");
        if (File.Exists(endpointsPin))
        {
            var fd = LibBpf.ObjGet(endpointsPin);
            if (fd < 0)
                throw new BpfException("bpf_obj_get", fd, endpointsPin);
            try
            {
                foreach (var ifindex in new BpfMap<uint, EndpointValue>("ms_endpoints", fd).Keys())
                {
                    if (DetachOurs((int)ifindex))
                        detached.Add((int)ifindex);
                }
            }
            finally
            {
                LibC.Close(fd);
            }
        }

        // Programs are not pinned: with their filters gone, closing the maps' last users frees them.
        foreach (var name in Datapath.MapNames.Concat(Datapath.RetiredMapNames))
            File.Delete(Path.Combine(pinDirectory, name));
        var left = Directory.GetFileSystemEntries(pinDirectory);
        if (left.Length > 0)
        {
            throw new IOException($"{pinDirectory} still holds {string.Join(", ", left.Select(Path.GetFileName))}, which MicroSeg did not " +
                "create; our maps and filters are removed, remove the rest yourself.");
        }
        Directory.Delete(pinDirectory);
        return new UninstallResult(detached, true);
    }

    /// <summary>Removes the filters at our handle whose program is ours; true when there was one.</summary>
    private static bool DetachOurs(int ifindex)
    {
        var any = false;
        foreach (var point in (ReadOnlySpan<int>)[LibBpf.BpfTcIngress, LibBpf.BpfTcEgress])
        {
            var id = TcAttachment.Query(ifindex, point);
            if (id == 0 || ProgramInfo.OfId(id) is not { IsOurs: true })
                continue;
            TcAttachment.DetachOne(ifindex, point);
            any = true;
        }
        return any;
    }
}
