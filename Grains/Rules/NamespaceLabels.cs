using MicroSeg.Grains.Interfaces.Policies;

namespace MicroSeg.Grains.Rules;

/// <summary>
/// Labels of every namespace, for namespace selectors. A namespace nobody described still has
/// kubernetes.io/metadata.name, as in Kubernetes.
/// </summary>
internal sealed class NamespaceLabels(IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> labels)
{
    public static readonly NamespaceLabels Empty = new(new Dictionary<string, IReadOnlyDictionary<string, string>>());

    // Concurrent: one snapshot's model (and so these labels) is read by node grains on several threads at once.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, IReadOnlyDictionary<string, string>> _cache = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, string> Of(string ns) =>
        _cache.GetOrAdd(ns, name => new Dictionary<string, string>(labels.TryGetValue(name, out var own) ? own : new Dictionary<string, string>())
        {
            [PolicyProtocols.NamespaceNameLabel] = name,
        });
}
