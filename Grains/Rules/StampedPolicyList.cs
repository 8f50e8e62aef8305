using System.Collections;
using MicroSeg.Grains.Interfaces.Nodes;

namespace MicroSeg.Grains.Rules;

/// <summary>
/// A node's policy entries as the endpoints' templates stamped with their workload ids, materialized
/// only when read. A node with a thousand endpoints has tens of thousands of entries, yet a change is
/// sent as a delta that reads a few of them: building them all on every computation was most of a
/// computation's allocations. Reads give equal entries in the same order as a built list would.
/// </summary>
internal sealed class StampedPolicyList : IReadOnlyList<PolicyEntry>
{
    private readonly string[] _workloads;
    private readonly EntryTemplate[] _templates;
    private readonly int[] _starts;

    public StampedPolicyList(IReadOnlyList<(string WorkloadId, EntryTemplate Template)> endpoints)
    {
        _workloads = new string[endpoints.Count];
        _templates = new EntryTemplate[endpoints.Count];
        _starts = new int[endpoints.Count];
        for (var i = 0; i < endpoints.Count; i++)
        {
            _workloads[i] = endpoints[i].WorkloadId;
            _templates[i] = endpoints[i].Template;
            _starts[i] = Count;
            Count += endpoints[i].Template.Count;
        }
    }

    public int Count { get; }

    public PolicyEntry this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            // The endpoint whose run holds the index: the last start at or before it (empty runs share a start).
            var found = Array.BinarySearch(_starts, index);
            var endpoint = found >= 0 ? LastWithStart(found) : ~found - 1;
            return Stamp(endpoint, index - _starts[endpoint]);
        }
    }

    public IEnumerator<PolicyEntry> GetEnumerator()
    {
        for (var i = 0; i < _templates.Length; i++)
        {
            for (var k = 0; k < _templates[i].Count; k++)
                yield return Stamp(i, k);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private PolicyEntry Stamp(int endpoint, int offset) => _templates[endpoint].Stamp(offset, _workloads[endpoint]);

    private int LastWithStart(int found)
    {
        while (found + 1 < _starts.Length && _starts[found + 1] == _starts[found])
            found++;
        return found;
    }
}
