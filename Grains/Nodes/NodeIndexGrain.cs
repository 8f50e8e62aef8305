using MicroSeg.Grains.Interfaces.Nodes;
using Orleans;
using Orleans.Runtime;
using Orleans.Streams;

namespace MicroSeg.Grains.Nodes;

/// <summary>Persisted state of the node index.</summary>
[GenerateSerializer, Alias("microseg.state.NodeIndexState")]
internal sealed class NodeIndexState
{
    [Id(0)]
    public SortedSet<string> Nodes { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>Every node that has had an agent or a workload: the fan-out set for recomputation.</summary>
internal sealed class NodeIndexGrain(
    [PersistentState("node-index")] IPersistentState<NodeIndexState> state) : Grain, INodeIndexGrain
{
    public async Task AddAsync(string node)
    {
        if (state.State.Nodes.Add(node))
            await state.WriteStateAsync();
    }

    public async Task<bool> RemoveAsync(string node)
    {
        if (!state.State.Nodes.Remove(node))
            return false;
        await state.WriteStateAsync();
        return true;
    }

    public Task<IReadOnlyList<string>> GetAllAsync() => Task.FromResult<IReadOnlyList<string>>(state.State.Nodes.ToList());
}
