using MicroSeg.Grains.Interfaces.Workloads;

namespace MicroSeg.Grains.Workloads;

/// <summary>
/// The workload index's content: records ordered by id (ordinal), handed out as snapshots without being copied.
/// A snapshot is the list itself; the next change after one was handed out copies the list first (one array copy),
/// so a snapshot never changes. Building a 50,000-record list from a sorted dictionary for every snapshot a burst of
/// writes asked for was most of what a write cost at that size.
/// </summary>
internal sealed class SortedWorkloadList
{
    private static readonly IComparer<WorkloadRecord> ById =
        Comparer<WorkloadRecord>.Create((a, b) => string.CompareOrdinal(a.Spec.Id, b.Spec.Id));

    private List<WorkloadRecord> _items;
    private bool _published;

    private SortedWorkloadList(List<WorkloadRecord> sorted) => _items = sorted;

    /// <summary>An empty list.</summary>
    public SortedWorkloadList()
        : this([])
    {
    }

    /// <summary>The records ordered by id; of records with one id, the last one given.</summary>
    public static SortedWorkloadList Of(IEnumerable<WorkloadRecord> records)
    {
        var byId = new Dictionary<string, WorkloadRecord>(StringComparer.Ordinal);
        foreach (var record in records)
            byId[record.Spec.Id] = record;
        var sorted = byId.Values.ToList();
        sorted.Sort(ById);
        return new SortedWorkloadList(sorted);
    }

    /// <summary>How many records the list holds.</summary>
    public int Count => _items.Count;

    public WorkloadRecord? Find(string id) => IndexOf(id) is >= 0 and var at ? _items[at] : null;

    /// <summary>Adds the record, or replaces the one with its id.</summary>
    public void Set(WorkloadRecord record)
    {
        Writable();
        var at = IndexOf(record.Spec.Id);
        if (at >= 0)
            _items[at] = record;
        else
            _items.Insert(~at, record);
    }

    /// <summary>Removes the record with <paramref name="id"/>; false when there is none.</summary>
    public bool Remove(string id)
    {
        var at = IndexOf(id);
        if (at < 0)
            return false;
        Writable();
        _items.RemoveAt(at);
        return true;
    }

    /// <summary>The content as it is now, never changed afterwards.</summary>
    public IReadOnlyList<WorkloadRecord> Publish()
    {
        _published = true;
        return _items;
    }

    /// <summary>Whether both hold the same ids with equal records.</summary>
    public bool SameAs(SortedWorkloadList other)
    {
        if (_items.Count != other._items.Count)
            return false;
        for (var i = 0; i < _items.Count; i++)
        {
            var (a, b) = (_items[i], other._items[i]);
            if (!ReferenceEquals(a, b) && a != b)
                return false;
        }
        return true;
    }

    private void Writable()
    {
        if (!_published)
            return;
        _items = new List<WorkloadRecord>(_items);
        _published = false;
    }

    private int IndexOf(string id)
    {
        int low = 0, high = _items.Count - 1;
        while (low <= high)
        {
            var mid = low + ((high - low) >> 1);
            var order = string.CompareOrdinal(_items[mid].Spec.Id, id);
            if (order == 0)
                return mid;
            if (order < 0)
                low = mid + 1;
            else
                high = mid - 1;
        }
        return ~low;
    }
}
