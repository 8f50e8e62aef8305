using MicroSeg.Grains.Interfaces.Workloads;

namespace MicroSeg.Grains.Workloads;

/// <summary>The label set that decides a workload's identity: its labels plus its namespace.</summary>
internal static class IdentityLabels
{
    /// <summary>Reserved key, so two workloads with equal labels in different namespaces get different identities.</summary>
    public const string NamespaceKey = "microseg.io/namespace";

    public static IReadOnlyDictionary<string, string> Of(WorkloadSpec spec) =>
        new Dictionary<string, string>(spec.Labels) { [NamespaceKey] = spec.Namespace };

    /// <summary>Order-independent text of a label set, for comparing two sets.</summary>
    public static string Key(IReadOnlyDictionary<string, string> labels) => Identity.IdentityAllocatorGrain.Canonical(labels);
}
