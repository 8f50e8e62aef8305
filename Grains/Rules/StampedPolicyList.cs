using System.Collections;
using MicroSeg.Grains.Interfaces.Nodes;

namespace MicroSeg.Grains.Rules;

/// <summary>
/// A node's policy entries as the endpoints' templates stamped with their workload ids, materialized
/// only when read. A node with a thousand endpoints has tens of thousands of entries, yet a change is
/// sent as a delta that reads a few of them: building them all on every computation was most of a
/// computation's allocations. Reads give equal entries in the same order as a built list would.
/// </summary>
internal sealed class StampedPolicyList(PolicySlices slices) : IReadOnlyList<PolicyEntry>
{
    /// <summary>The entries of endpoints given as (workload id, template), ordered by id.</summary>
    public StampedPolicyList(IReadOnlyList<(string WorkloadId, EntryTemplate Template)> endpoints)
        : this(new PolicySlices(endpoints.Select(e => e.WorkloadId).ToArray(), endpoints.Select(e => e.Template).ToArray()))
    {
    }

    /// <summary>Where each endpoint's entries sit in this list.</summary>
    public PolicySlices Slices => slices;

    public int Count => slices.EntryCount;

    public PolicyEntry this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            var endpoint = slices.EndpointOf(index);
            return slices.TemplateAt(endpoint).Stamp(index - slices.StartAt(endpoint), slices.IdAt(endpoint));
        }
    }

    public IEnumerator<PolicyEntry> GetEnumerator()
    {
        for (var i = 0; i < slices.Count; i++)
        {
            var (template, id) = (slices.TemplateAt(i), slices.IdAt(i));
            for (var k = 0; k < template.Count; k++)
                yield return template.Stamp(k, id);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
