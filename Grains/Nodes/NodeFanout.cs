using MicroSeg.Grains.Interfaces;
using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Runtime;

namespace MicroSeg.Grains.Nodes;

/// <summary>
/// Asks every known node to recompute after a workload or policy change. Every node, because a
/// workload's addresses and labels appear in the ipcache and peer sets of all nodes.
/// </summary>
internal static class NodeFanout
{
    public static async Task RecomputeAllAsync(IGrainFactory grains, string? alsoNode = null)
    {
        var nodes = new HashSet<string>(await grains.GetGrain<INodeIndexGrain>(GrainKeys.Cluster).GetAllAsync(), StringComparer.Ordinal);
        if (alsoNode is not null)
            nodes.Add(alsoNode);
        await Task.WhenAll(nodes.Select(n => grains.GetGrain<INodeGrain>(n).RecomputeAsync()));
    }
}
