using Orleans;
using Orleans.Concurrency;

namespace MicroSeg.Grains.Interfaces.Nodes;

/// <summary>Every node that has had an agent or a workload (key <see cref="GrainKeys.Cluster"/>).</summary>
[Alias("microseg.INodeIndexGrain")]
public interface INodeIndexGrain : IGrainWithStringKey
{
    /// <summary>Records a node name; idempotent.</summary>
    Task AddAsync(string node);

    /// <summary>All known node names, ordered.</summary>
    [AlwaysInterleave]
    Task<IReadOnlyList<string>> GetAllAsync();
}
