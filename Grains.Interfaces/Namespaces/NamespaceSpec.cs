using Orleans;

namespace MicroSeg.Grains.Interfaces.Namespaces;

/// <summary>A namespace and its labels. Every namespace also carries kubernetes.io/metadata.name: its name.</summary>
/// <param name="Name">Namespace name (DNS label).</param>
/// <param name="Labels">Labels for namespace selectors.</param>
[GenerateSerializer, Immutable, Alias("microseg.NamespaceSpec")]
public sealed record NamespaceSpec(string Name, IReadOnlyDictionary<string, string> Labels);
