using MicroSeg.Grains.Common;
using MicroSeg.Grains.Interfaces.Namespaces;
using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Settings;
using MicroSeg.Grains.Interfaces.Workloads;
using MicroSeg.Grains.Rules;

namespace MicroSeg.Grains.Nodes;

/// <summary>
/// What a node computation reads from the cluster: the index snapshots and the enforcement settings,
/// read by <see cref="ClusterInputsLoader"/>.
/// </summary>
/// <param name="Workloads">Every workload, as the workload index handed it out.</param>
/// <param name="WorkloadsVersion">The workload index version <paramref name="Workloads"/> is the content of.</param>
/// <param name="Policies">Every policy, drafts included.</param>
/// <param name="PoliciesVersion">The policy index version <paramref name="Policies"/> is the content of.</param>
/// <param name="Namespaces">Every namespace with its labels.</param>
/// <param name="NamespacesVersion">The namespace index version <paramref name="Namespaces"/> is the content of.</param>
/// <param name="Settings">The enforcement settings.</param>
internal sealed record ClusterInputs(
    IReadOnlyList<WorkloadRecord> Workloads,
    string WorkloadsVersion,
    IReadOnlyList<PolicySpec> Policies,
    string PoliciesVersion,
    IReadOnlyList<NamespaceSpec> Namespaces,
    string NamespacesVersion,
    EnforcementSettings Settings)
{
    /// <summary>The index versions these inputs were read at.</summary>
    public ClusterInputVersions Versions => new(WorkloadsVersion, PoliciesVersion, NamespacesVersion);

    /// <summary>Whether these inputs include every change up to <paramref name="basis"/>.</summary>
    public bool Includes(ClusterInputVersions basis) =>
        IndexVersions.Includes(WorkloadsVersion, basis.Workloads)
        && IndexVersions.Includes(PoliciesVersion, basis.Policies)
        && IndexVersions.Includes(NamespacesVersion, basis.Namespaces);

    /// <summary>The shared derived model of these snapshots, built by the loader from the one before (<see cref="ClusterRuleModel.Next"/>).</summary>
    public required ClusterRuleModel Model { get; init; }

    /// <summary>True when <paramref name="other"/> read the very same snapshots (so the computation would be the same).</summary>
    public bool SameAs(ClusterInputs? other) =>
        other is not null
        && ReferenceEquals(Workloads, other.Workloads) && ReferenceEquals(Policies, other.Policies)
        && ReferenceEquals(Namespaces, other.Namespaces) && ReferenceEquals(Settings, other.Settings);
}
