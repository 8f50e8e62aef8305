using MicroSeg.Grains.Interfaces.Workloads;

namespace MicroSeg.Grains.Rules;

/// <summary>
/// The nodes one identity's workloads are on, ordered by name (ordinal), with how many of the workloads each has.
/// Immutable. A write changes the counts of the nodes it touches in a copy of these few entries. The identity's
/// workloads are not walked: at 50,000 workloads an identity has ≈ 500 of them, and each fan-out asked for the
/// nodes of two or more identities.
/// </summary>
internal sealed class IdentityNodes
{
    public static readonly IdentityNodes None = new([], []);

    private readonly string[] _nodes;
    private readonly int[] _counts;

    private IdentityNodes(string[] nodes, int[] counts)
    {
        _nodes = nodes;
        _counts = counts;
    }

    /// <summary>The nodes, ordered by name (ordinal), each once.</summary>
    public IReadOnlyList<string> Nodes => _nodes;

    /// <summary>
    /// These counts without <paramref name="removed"/> (records of this identity) and with <paramref name="added"/>;
    /// <see cref="None"/> when no workload is left.
    /// </summary>
    public IdentityNodes With(IEnumerable<WorkloadRecord> removed, IEnumerable<WorkloadRecord> added)
    {
        var nodes = new List<string>(_nodes);
        var counts = new List<int>(_counts);
        foreach (var w in removed)
        {
            var at = nodes.BinarySearch(w.Spec.Node, StringComparer.Ordinal);
            if (at < 0)
                throw new InvalidOperationException($"Workload '{w.Spec.Id}' left node '{w.Spec.Node}', which its identity {w.Identity} was not on.");
            if (--counts[at] == 0)
            {
                nodes.RemoveAt(at);
                counts.RemoveAt(at);
            }
        }
        foreach (var w in added)
        {
            var at = nodes.BinarySearch(w.Spec.Node, StringComparer.Ordinal);
            if (at >= 0)
            {
                counts[at]++;
                continue;
            }
            nodes.Insert(~at, w.Spec.Node);
            counts.Insert(~at, 1);
        }
        return nodes.Count == 0 ? None : new IdentityNodes([.. nodes], [.. counts]);
    }
}
