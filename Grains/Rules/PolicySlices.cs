using MicroSeg.Grains.Common;

namespace MicroSeg.Grains.Rules;

/// <summary>One endpoint's run of entries in a node's ordered policy list, and the template they were stamped from.</summary>
internal readonly record struct PolicySlice(int Start, int Count, EntryTemplate Template);

/// <summary>
/// Where each endpoint's entries sit in a node's policy list, by position: the endpoints' workload ids in order
/// (ordinal), each with its template and the index of its first entry. Positional rather than keyed by id so that a
/// computation that reuses most endpoints copies references out of arrays: hashing every endpoint's id into a
/// dictionary read ≈ 500 cold strings per write at 50,000 workloads. Two computations are compared by walking both
/// in order (<see cref="Nodes.NodeDeltaBuilder"/>), where reused endpoints share the very same id instance.
/// </summary>
internal sealed class PolicySlices
{
    public static readonly PolicySlices Empty = new([], []);

    private readonly string[] _ids;
    private readonly EntryTemplate[] _templates;
    private readonly int[] _starts;

    /// <param name="ids">The endpoints' workload ids, ordered (ordinal); kept, not copied.</param>
    /// <param name="templates">Each endpoint's template, in the same order; kept, not copied.</param>
    public PolicySlices(string[] ids, EntryTemplate[] templates)
    {
        if (ids.Length != templates.Length)
            throw new ArgumentException($"{ids.Length} ids for {templates.Length} templates.", nameof(templates));
        _ids = ids;
        _templates = templates;
        _starts = RunStarts.Of(templates, t => t.Count, out var entries);
        EntryCount = entries;
    }

    /// <summary>How many endpoints.</summary>
    public int Count => _ids.Length;

    /// <summary>How many entries all endpoints have together.</summary>
    public int EntryCount { get; }

    public string IdAt(int index) => _ids[index];

    public EntryTemplate TemplateAt(int index) => _templates[index];

    public PolicySlice this[int index] => new(_starts[index], _templates[index].Count, _templates[index]);

    /// <summary>The slice of the endpoint of workload <paramref name="id"/>.</summary>
    public PolicySlice this[string id] => IndexOf(id) is >= 0 and var at ? this[at] : throw new KeyNotFoundException($"No endpoint of workload '{id}'.");

    /// <summary>Every endpoint's workload id and slice, in order.</summary>
    public IEnumerable<(string Id, PolicySlice Slice)> All => Enumerable.Range(0, Count).Select(i => (_ids[i], this[i]));

    /// <summary>The position of workload <paramref name="id"/>'s endpoint, or a negative number when it has none.</summary>
    public int IndexOf(string id) => Array.BinarySearch(_ids, id, StringComparer.Ordinal);

    /// <summary>The endpoint whose run holds entry <paramref name="entry"/>: the last one starting at or before it (empty runs share a start).</summary>
    public int EndpointOf(int entry) => RunStarts.RunHolding(_starts, entry);

    public int StartAt(int index) => _starts[index];

    /// <summary>Copies the ids and templates of <paramref name="count"/> endpoints from <paramref name="index"/> into the arrays at <paramref name="at"/>.</summary>
    public void CopyTo(int index, string[] ids, EntryTemplate[] templates, int at, int count)
    {
        Array.Copy(_ids, index, ids, at, count);
        Array.Copy(_templates, index, templates, at, count);
    }
}
