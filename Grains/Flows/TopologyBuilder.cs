using MicroSeg.Grains.Interfaces.Flows;

namespace MicroSeg.Grains.Flows;

/// <summary>Groups workload edges into the graph of one level. Pure.</summary>
internal static class TopologyBuilder
{
    private static readonly string[] VerdictWords = ["allow", "deny", "would-deny"];

    public static TopologyView Build(IEnumerable<EdgeSummary> edges, TopologyLevel level, string groupLabel, DateTimeOffset? since)
    {
        var nodes = new Dictionary<string, (string Level, Dictionary<string, string> Labels)>(StringComparer.Ordinal);
        var merged = new Dictionary<(string, string), Merged>();
        foreach (var e in edges)
        {
            if (since is { } s && e.LastSeen < s)
                continue;
            var src = Node(e.Src, level, groupLabel, nodes);
            var dst = Node(e.Dst, level, groupLabel, nodes);
            if (!merged.TryGetValue((src, dst), out var m))
                merged[(src, dst)] = m = new Merged();
            m.Ports.UnionWith(e.Ports);
            m.Policies.UnionWith(e.Policies);
            foreach (var (verdict, count) in e.Verdicts)
                m.Verdicts[verdict] = m.Verdicts.GetValueOrDefault(verdict) + count;
            if (e.LastSeen > m.LastSeen)
                m.LastSeen = e.LastSeen;
        }
        var nodeList = nodes.OrderBy(n => n.Key, StringComparer.Ordinal)
            .Select(n => new TopologyNode(n.Key, n.Value.Level, n.Value.Labels)).ToList();
        var edgeList = merged.OrderBy(e => e.Key.Item1, StringComparer.Ordinal).ThenBy(e => e.Key.Item2, StringComparer.Ordinal)
            .Select(e => new TopologyEdge(e.Key.Item1, e.Key.Item2, [.. e.Value.Ports], VerdictWords.ToDictionary(v => v, v => e.Value.Verdicts.GetValueOrDefault(v)),
                [.. e.Value.Policies], e.Value.LastSeen))
            .ToList();
        return new TopologyView(nodeList, edgeList);
    }

    /// <summary>The id of <paramref name="end"/>'s node at <paramref name="level"/>; adds the node, its labels the ones every member shares.</summary>
    private static string Node(EdgeEnd end, TopologyLevel level, string groupLabel, Dictionary<string, (string, Dictionary<string, string>)> nodes)
    {
        string id, word;
        if (!end.IsWorkload)
            (id, word) = (end.Id, "external");
        else
        {
            (id, word) = level switch
            {
                TopologyLevel.App => (end.Labels.TryGetValue(groupLabel, out var app) ? app : end.Id, "app"),
                TopologyLevel.Namespace => (end.Namespace!, "namespace"),
                _ => (end.Id, "workload"),
            };
        }
        if (!nodes.TryGetValue(id, out var node))
            nodes[id] = (word, new Dictionary<string, string>(end.Labels, StringComparer.Ordinal));
        else
        {
            foreach (var (key, value) in node.Item2.ToList())
            {
                if (!end.Labels.TryGetValue(key, out var other) || other != value)
                    node.Item2.Remove(key);
            }
        }
        return id;
    }

    private sealed class Merged
    {
        public SortedSet<string> Ports { get; } = new(StringComparer.Ordinal);
        public SortedSet<string> Policies { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, long> Verdicts { get; } = new(StringComparer.Ordinal);
        public DateTimeOffset LastSeen { get; set; }
    }
}
