using Orleans;
using Orleans.Concurrency;

namespace MicroSeg.Grains.Interfaces.Nodes;

/// <summary>Every node that has had an agent or a workload (key <see cref="GrainKeys.Cluster"/>).</summary>
[Alias("microseg.INodeIndexGrain")]
public interface INodeIndexGrain : IGrainWithStringKey
{
    /// <summary>Records a node name; idempotent.</summary>
    Task AddAsync(string node);

    /// <summary>
    /// Forgets a node name (an operator removing a mistyped or retired node); false when it was not known. A node
    /// that gets a workload or an agent again is recorded again.
    /// </summary>
    Task<bool> RemoveAsync(string node);

    /// <summary>All known node names, ordered.</summary>
    [AlwaysInterleave]
    Task<IReadOnlyList<string>> GetAllAsync();
}
