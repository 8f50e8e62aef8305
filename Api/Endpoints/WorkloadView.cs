using MicroSeg.Grains.Interfaces.Workloads;

namespace MicroSeg.Api.Endpoints;

/// <summary>A workload as the API shows it: the registered spec plus its identity.</summary>
public sealed record WorkloadView(
    string Id,
    string Node,
    string? Interface,
    IReadOnlyList<string> Addresses,
    IReadOnlyDictionary<string, string> Labels,
    string Namespace,
    IReadOnlyDictionary<string, string> Ports,
    EnforcementMode? Mode,
    uint Identity)
{
    internal static WorkloadView From(WorkloadRecord r) =>
        new(r.Spec.Id, r.Spec.Node, r.Spec.Interface, r.Spec.Addresses, r.Spec.Labels, r.Spec.Namespace, r.Spec.Ports, r.Spec.Mode, r.Identity);

    /// <summary>Replaces nulls that JSON may carry with the defaults, so grains never see them.</summary>
    internal static WorkloadSpec Normalize(WorkloadSpec spec, string id) => spec with
    {
        Id = id,
        Addresses = spec.Addresses ?? [],
        Labels = spec.Labels ?? new Dictionary<string, string>(),
        Namespace = spec.Namespace ?? "default",
        Ports = spec.Ports ?? new Dictionary<string, string>(),
        Node = spec.Node ?? "",
    };
}
