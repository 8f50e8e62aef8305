using MicroSeg.Grains.Interfaces.Policies;

namespace MicroSeg.Grains.Rules;

/// <summary>
/// Labels of every namespace, for namespace selectors. A namespace nobody described still has
/// kubernetes.io/metadata.name, as in Kubernetes.
/// </summary>
internal sealed class NamespaceLabels(IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> labels)
{
    public static readonly NamespaceLabels Empty = new(new Dictionary<string, IReadOnlyDictionary<string, string>>());

    private readonly Dictionary<string, IReadOnlyDictionary<string, string>> _cache = [];

    public IReadOnlyDictionary<string, string> Of(string ns)
    {
        if (_cache.TryGetValue(ns, out var cached))
            return cached;
        var result = new Dictionary<string, string>(labels.TryGetValue(ns, out var own) ? own : new Dictionary<string, string>())
        {
            [PolicyProtocols.NamespaceNameLabel] = ns,
        };
        _cache[ns] = result;
        return result;
    }
}
