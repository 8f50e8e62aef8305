using MicroSeg.Grains.Common;
using MicroSeg.Grains.Interfaces;
using MicroSeg.Grains.Interfaces.Namespaces;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Validation;
using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Nodes;
using Orleans;
using Orleans.Runtime;
using Orleans.Streams;

namespace MicroSeg.Grains.Namespaces;

/// <summary>Persisted state of the namespace index.</summary>
[GenerateSerializer, Alias("microseg.state.NamespaceIndexState")]
internal sealed class NamespaceIndexState
{
    [Id(0)]
    public SortedDictionary<string, Dictionary<string, string>> Namespaces { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>Holds every namespace's labels; a change recomputes every node, as namespace selectors may match differently.</summary>
internal sealed class NamespaceIndexGrain(
    [PersistentState("namespaces")] IPersistentState<NamespaceIndexState> state) : Grain, INamespaceIndexGrain
{
    /// <summary>One list per state: node computations recognise an unchanged snapshot by reference or version.</summary>
    private readonly VersionedList<NamespaceSpec> _snapshot = new(() => state.State.Namespaces.Select(kv => new NamespaceSpec(kv.Key, kv.Value)).ToList());

    public async Task<bool> SetAsync(NamespaceSpec spec)
    {
        SpecValidationException.ThrowIfAny(NamespaceValidator.Validate(spec));
        var labels = WithNameLabel(spec.Name, spec.Labels);
        var created = !state.State.Namespaces.TryGetValue(spec.Name, out var existing);
        if (!created && existing!.Count == labels.Count && !existing.Except(labels).Any())
            return false;
        state.State.Namespaces[spec.Name] = labels;
        _snapshot.Invalidate();
        await state.WriteStateAsync();
        await PolicyStreams.PublishAsync(this, PolicyStreams.ClusterKey, new PolicyChange(AllNodes: true));
        return created;
    }

    public async Task<bool> RemoveAsync(string name)
    {
        if (!state.State.Namespaces.Remove(name))
            return false;
        _snapshot.Invalidate();
        await state.WriteStateAsync();
        await PolicyStreams.PublishAsync(this, PolicyStreams.ClusterKey, new PolicyChange(AllNodes: true));
        return true;
    }

    public Task<NamespaceSpec?> GetAsync(string name) =>
        Task.FromResult(state.State.Namespaces.TryGetValue(name, out var labels) ? new NamespaceSpec(name, labels) : null);

    public Task<IReadOnlyList<NamespaceSpec>> GetAllAsync() => Task.FromResult(_snapshot.Items);

    public Task<string> GetVersionAsync() => Task.FromResult(_snapshot.Version);

    public Task<IndexSnapshot<NamespaceSpec>> GetSnapshotAsync() => Task.FromResult(_snapshot.Snapshot);

    private static Dictionary<string, string> WithNameLabel(string name, IReadOnlyDictionary<string, string> labels) =>
        new(labels) { [PolicyProtocols.NamespaceNameLabel] = name };
}
