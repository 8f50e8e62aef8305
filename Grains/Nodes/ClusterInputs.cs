using MicroSeg.Grains.Interfaces;
using MicroSeg.Grains.Interfaces.Namespaces;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Settings;
using MicroSeg.Grains.Interfaces.Workloads;
using MicroSeg.Grains.Rules;
using MicroSeg.Runtime;

namespace MicroSeg.Grains.Nodes;

/// <summary>What a node computation reads from the cluster: the index snapshots and the enforcement settings.</summary>
internal sealed record ClusterInputs(
    IReadOnlyList<WorkloadRecord> Workloads,
    IReadOnlyList<PolicySpec> Policies,
    IReadOnlyList<NamespaceSpec> Namespaces,
    EnforcementSettings Settings)
{
    /// <summary>The shared derived model of these snapshots (see <see cref="ClusterRuleModel.Shared"/>).</summary>
    public ClusterRuleModel Model => ClusterRuleModel.Shared(Workloads, Policies, Namespaces);

    /// <summary>Reads the four inputs at once; each index hands out one instance per state.</summary>
    public static async Task<ClusterInputs> LoadAsync(IGrainFactory grains)
    {
        var workloads = grains.GetGrain<IWorkloadIndexGrain>(GrainKeys.Cluster).GetAllAsync();
        var policies = grains.GetGrain<IPolicyIndexGrain>(GrainKeys.Cluster).GetAllAsync();
        var namespaces = grains.GetGrain<INamespaceIndexGrain>(GrainKeys.Cluster).GetAllAsync();
        var settings = grains.GetGrain<IEnforcementSettingsGrain>(GrainKeys.Cluster).GetAsync();
        await Task.WhenAll(workloads, policies, namespaces, settings);
        return new ClusterInputs(await workloads, await policies, await namespaces, await settings);
    }

    /// <summary>True when <paramref name="other"/> read the very same snapshots (so the computation would be the same).</summary>
    public bool SameAs(ClusterInputs? other) =>
        other is not null
        && ReferenceEquals(Workloads, other.Workloads) && ReferenceEquals(Policies, other.Policies)
        && ReferenceEquals(Namespaces, other.Namespaces) && ReferenceEquals(Settings, other.Settings);
}
