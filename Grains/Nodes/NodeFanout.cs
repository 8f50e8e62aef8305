using MicroSeg.Grains.Interfaces;
using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Workloads;
using MicroSeg.Grains.Rules;
using Orleans;
using Orleans.Runtime;
using Orleans.Streams;

namespace MicroSeg.Grains.Nodes;

/// <summary>
/// Tells the nodes a change can affect to recompute. A workload change affects its own node(s) and
/// the nodes of workloads selected by policies that name it as a peer (before or after the change);
/// a policy change affects the nodes of the workloads it selects (before or after). Changes that may
/// touch everything (namespace labels, enforcement settings) go to every node. A node missed here
/// would still be repaired by its periodic reconcile (<see cref="NodeGrain.ReconcilePeriod"/>).
/// </summary>
internal static class NodeFanout
{
    public static async Task RecomputeAllAsync(IGrainFactory grains)
    {
        var nodes = await grains.GetGrain<INodeIndexGrain>(GrainKeys.Cluster).GetAllAsync();
        // No basis: such changes (namespace labels, settings) are not in the versions; every node reads anew.
        await RecomputeAsync(grains, nodes, basis: null);
    }

    public static async Task RecomputeForWorkloadAsync(
        IGrainFactory grains, ClusterInputsLoader inputs, WorkloadRecord? before, WorkloadRecord? after, string? indexVersion)
    {
        var read = await inputs.LoadIncludingAsync(indexVersion);
        var model = read.Model;
        var (policies, scope) = (model.Policies, model.Scope);
        var nodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var w in new[] { before, after }.OfType<WorkloadRecord>())
            nodes.Add(w.Spec.Node);
        foreach (var policy in policies)
        {
            if ((before is not null && scope.NamesAsPeer(policy, before)) || (after is not null && scope.NamesAsPeer(policy, after)))
                nodes.UnionWith(model.NodesSelectedBy(policy));
        }
        await RecomputeAsync(grains, nodes, read.Versions);
    }

    public static async Task RecomputeForPolicyAsync(IGrainFactory grains, ClusterInputsLoader inputs, PolicySpec? before, PolicySpec? after)
    {
        var read = await inputs.LoadAsync();
        var nodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var policy in new[] { before, after }.OfType<PolicySpec>())
            nodes.UnionWith(read.Model.NodesSelectedBy(policy));
        await RecomputeAsync(grains, nodes, read.Versions);
    }

    /// <summary>The nodes recompute from <paramref name="basis"/>, the snapshot this fan-out read, or newer.</summary>
    private static Task RecomputeAsync(IGrainFactory grains, IEnumerable<string> nodes, ClusterInputVersions? basis) =>
        Task.WhenAll(nodes.Select(n => grains.GetGrain<INodeGrain>(n).RecomputeAsync(basis)));
}
