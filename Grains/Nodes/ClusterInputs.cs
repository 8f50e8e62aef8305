using MicroSeg.Grains.Interfaces;
using MicroSeg.Grains.Interfaces.Namespaces;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Settings;
using MicroSeg.Grains.Interfaces.Workloads;
using MicroSeg.Grains.Rules;
using Orleans;
using Orleans.Runtime;
using Orleans.Streams;

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

    private static readonly SiloSnapshotCache<WorkloadRecord> WorkloadSnapshots = new();
    private static readonly SiloSnapshotCache<PolicySpec> PolicySnapshots = new();
    private static readonly SiloSnapshotCache<NamespaceSpec> NamespaceSnapshots = new();

    /// <summary>
    /// Reads the four inputs at once. The indexes' contents come through this process's snapshot cache:
    /// their versions are asked every time, their contents fetched only when the version is new here.
    /// </summary>
    public static async Task<ClusterInputs> LoadAsync(IGrainFactory grains)
    {
        var workloadIndex = grains.GetGrain<IWorkloadIndexGrain>(GrainKeys.Cluster);
        var policyIndex = grains.GetGrain<IPolicyIndexGrain>(GrainKeys.Cluster);
        var namespaceIndex = grains.GetGrain<INamespaceIndexGrain>(GrainKeys.Cluster);
        var workloadVersion = workloadIndex.GetVersionAsync();
        var policyVersion = policyIndex.GetVersionAsync();
        var namespaceVersion = namespaceIndex.GetVersionAsync();
        var settings = grains.GetGrain<IEnforcementSettingsGrain>(GrainKeys.Cluster).GetAsync();
        await Task.WhenAll(workloadVersion, policyVersion, namespaceVersion, settings);

        var workloads = WorkloadSnapshots.GetAsync(await workloadVersion, workloadIndex.GetSnapshotAsync);
        var policies = PolicySnapshots.GetAsync(await policyVersion, policyIndex.GetSnapshotAsync);
        var namespaces = NamespaceSnapshots.GetAsync(await namespaceVersion, namespaceIndex.GetSnapshotAsync);
        await Task.WhenAll(workloads, policies, namespaces);
        return new ClusterInputs(await workloads, await policies, await namespaces, await settings);
    }

    /// <summary>True when <paramref name="other"/> read the very same snapshots (so the computation would be the same).</summary>
    public bool SameAs(ClusterInputs? other) =>
        other is not null
        && ReferenceEquals(Workloads, other.Workloads) && ReferenceEquals(Policies, other.Policies)
        && ReferenceEquals(Namespaces, other.Namespaces) && ReferenceEquals(Settings, other.Settings);
}
