using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Workloads;
using MicroSeg.Grains.Rules;

namespace MicroSeg.Grains.Tests.Convergence;

/// <summary>One change a user can make: applied to a <see cref="ClusterState"/>, printed when a sequence fails.</summary>
internal abstract record ClusterChange
{
    public abstract void ApplyTo(ClusterState state);
}

internal sealed record PutWorkload(WorkloadSpec Spec) : ClusterChange
{
    public override void ApplyTo(ClusterState state) => state.Workloads[Spec.Id] = Spec;

    public override string ToString() =>
        $"PUT workload {Spec.Id} node={Spec.Node} if={Spec.Interface ?? "-"} ns={Spec.Namespace} addrs=[{string.Join(',', Spec.Addresses)}] "
        + $"labels={{{string.Join(',', Spec.Labels.Select(l => $"{l.Key}={l.Value}"))}}} ports={{{string.Join(',', Spec.Ports.Select(p => $"{p.Key}={p.Value}"))}}} mode={Spec.Mode?.ToString() ?? "-"}";
}

internal sealed record DeleteWorkload(string Id) : ClusterChange
{
    public override void ApplyTo(ClusterState state) => state.Workloads.Remove(Id);

    public override string ToString() => $"DELETE workload {Id}";
}

internal sealed record PutPolicy(PolicySpec Spec, string Text) : ClusterChange
{
    public override void ApplyTo(ClusterState state) => state.Policies[Spec.Id] = Spec;

    public override string ToString() => $"PUT policy {Spec.Id}: {Text}";
}

internal sealed record DeletePolicy(string Id) : ClusterChange
{
    public override void ApplyTo(ClusterState state) => state.Policies.Remove(Id);

    public override string ToString() => $"DELETE policy {Id}";
}

internal sealed record PutNamespace(string Name, IReadOnlyDictionary<string, string> Labels) : ClusterChange
{
    public override void ApplyTo(ClusterState state) => state.Namespaces[Name] = Labels;

    public override string ToString() => $"PUT namespace {Name} labels={{{string.Join(',', Labels.Select(l => $"{l.Key}={l.Value}"))}}}";
}

/// <summary>
/// The cluster as the index grains hold it: workloads, policies, namespace labels, and the identity of each
/// label set, allocated as the identity allocator does (in order of first use, never reused).
/// </summary>
internal sealed class ClusterState
{
    private readonly Dictionary<string, uint> _identities = new(StringComparer.Ordinal);

    public SortedDictionary<string, WorkloadSpec> Workloads { get; } = new(StringComparer.Ordinal);

    public SortedDictionary<string, PolicySpec> Policies { get; } = new(StringComparer.Ordinal);

    public SortedDictionary<string, IReadOnlyDictionary<string, string>> Namespaces { get; } = new(StringComparer.Ordinal);

    public static ClusterState After(IEnumerable<ClusterChange> changes)
    {
        var state = new ClusterState();
        foreach (var change in changes)
        {
            change.ApplyTo(state);
            state.AllocateIdentities();
        }
        return state;
    }

    /// <summary>Gives every label set in use its identity (the allocator runs as each workload is written).</summary>
    public void AllocateIdentities()
    {
        foreach (var spec in Workloads.Values)
        {
            var key = KeyOf(spec);
            if (!_identities.ContainsKey(key))
                _identities[key] = 256 + (uint)_identities.Count;
        }
    }

    public IReadOnlyList<WorkloadRecord> Records() =>
        Workloads.Values.Select(s => new WorkloadRecord(s, _identities[KeyOf(s)])).ToList();

    public NamespaceLabels NamespaceLabels() =>
        new(Namespaces.ToDictionary(n => n.Key, n => n.Value, StringComparer.Ordinal));

    private static string KeyOf(WorkloadSpec spec) =>
        spec.Namespace + "|" + string.Join(',', spec.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"));
}
