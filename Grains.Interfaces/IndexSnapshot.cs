using Orleans;

namespace MicroSeg.Grains.Interfaces;

/// <summary>
/// The content of a cluster index read together with its version. Equal versions mean equal content,
/// also across the index grain's activations, so a silo can keep one copy per version and share it.
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
/// <param name="Version">Identifies the content.</param>
/// <param name="Items">The content.</param>
[GenerateSerializer, Immutable, Alias("microseg.IndexSnapshot`1")]
public sealed record IndexSnapshot<T>(string Version, IReadOnlyList<T> Items);
