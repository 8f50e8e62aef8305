using Orleans;
using Orleans.Concurrency;

namespace MicroSeg.Grains.Interfaces.Namespaces;

/// <summary>
/// Every namespace with its labels (key <see cref="GrainKeys.Cluster"/>). Namespaces are few and read
/// together by every node computation, so one grain holds them all.
/// </summary>
[Alias("microseg.INamespaceIndexGrain")]
public interface INamespaceIndexGrain : IGrainWithStringKey
{
    /// <summary>Creates or replaces a namespace's labels (the automatic name label is added); recomputes nodes when they changed. Returns true when it was created.</summary>
    Task<bool> SetAsync(NamespaceSpec spec);

    /// <summary>Removes a namespace's labels; false when it was not described.</summary>
    Task<bool> RemoveAsync(string name);

    /// <summary>One namespace, or null when it was never described.</summary>
    [AlwaysInterleave]
    Task<NamespaceSpec?> GetAsync(string name);

    /// <summary>Every described namespace, ordered by name.</summary>
    [AlwaysInterleave]
    Task<IReadOnlyList<NamespaceSpec>> GetAllAsync();

    /// <summary>The version of the current content: equal versions mean equal content, across activations too.</summary>
    Task<string> GetVersionAsync();

    /// <summary>The current content and its version, read together.</summary>
    Task<IndexSnapshot<NamespaceSpec>> GetSnapshotAsync();
}
