using MicroSeg.Grains.Interfaces.Workloads;

namespace MicroSeg.Grains.Workloads;

/// <summary>
/// The workload index's content: records ordered by id (ordinal) in chunks of at most <see cref="MaxChunk"/>, handed
/// out as snapshots (<see cref="WorkloadChunks"/>). A change replaces the one chunk it falls in with a new array and
/// never writes a chunk in place, so every snapshot stays as it was and shares the untouched chunks with the next.
/// </summary>
internal sealed class SortedWorkloadList
{
    /// <summary>A chunk that grows past this is split in two.</summary>
    internal const int MaxChunk = 512;

    private static readonly IComparer<WorkloadRecord> ById =
        Comparer<WorkloadRecord>.Create((a, b) => string.CompareOrdinal(a.Spec.Id, b.Spec.Id));

    private readonly List<WorkloadRecord[]> _chunks;

    private SortedWorkloadList(List<WorkloadRecord[]> chunks)
    {
        _chunks = chunks;
        Count = chunks.Sum(c => c.Length);
    }

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
        var sorted = byId.Values.ToArray();
        Array.Sort(sorted, ById);
        return new SortedWorkloadList(sorted.Chunk(MaxChunk / 2).ToList());
    }

    /// <summary>How many records the list holds.</summary>
    public int Count { get; private set; }

    public WorkloadRecord? Find(string id) => Locate(id) is var (chunk, at) && at >= 0 ? _chunks[chunk][at] : null;

    /// <summary>Adds the record, or replaces the one with its id.</summary>
    public void Set(WorkloadRecord record)
    {
        if (_chunks.Count == 0)
        {
            _chunks.Add([record]);
            Count = 1;
            return;
        }
        var (c, at) = Locate(record.Spec.Id);
        var chunk = _chunks[c];
        if (at >= 0)
        {
            var replaced = (WorkloadRecord[])chunk.Clone();
            replaced[at] = record;
            _chunks[c] = replaced;
            return;
        }
        at = ~at;
        var grown = new WorkloadRecord[chunk.Length + 1];
        Array.Copy(chunk, grown, at);
        grown[at] = record;
        Array.Copy(chunk, at, grown, at + 1, chunk.Length - at);
        Count++;
        if (grown.Length <= MaxChunk)
        {
            _chunks[c] = grown;
            return;
        }
        _chunks[c] = grown[..(grown.Length / 2)];
        _chunks.Insert(c + 1, grown[(grown.Length / 2)..]);
    }

    /// <summary>Removes the record with <paramref name="id"/>; false when there is none.</summary>
    public bool Remove(string id)
    {
        if (_chunks.Count == 0 || Locate(id) is not (var c, >= 0 and var at))
            return false;
        var chunk = _chunks[c];
        Count--;
        if (chunk.Length == 1)
        {
            _chunks.RemoveAt(c);
            return true;
        }
        var shrunk = new WorkloadRecord[chunk.Length - 1];
        Array.Copy(chunk, shrunk, at);
        Array.Copy(chunk, at + 1, shrunk, at, chunk.Length - at - 1);
        _chunks[c] = shrunk;
        return true;
    }

    /// <summary>The content as it is now, never changed afterwards.</summary>
    public WorkloadChunks Publish() => _chunks.Count == 0 ? WorkloadChunks.Empty : new WorkloadChunks([.. _chunks]);

    /// <summary>Whether both hold the same ids with equal records.</summary>
    public bool SameAs(SortedWorkloadList other) =>
        Count == other.Count && Publish().Zip(other.Publish()).All(pair => ReferenceEquals(pair.First, pair.Second) || pair.First == pair.Second);

    /// <summary>The chunk <paramref name="id"/> belongs in (the last one for ids past the end), and its index there or its bitwise complement.</summary>
    private (int Chunk, int At) Locate(string id)
    {
        if (_chunks.Count == 0)
            return (0, -1);
        // The first chunk whose last id is not below the id.
        int low = 0, high = _chunks.Count - 1;
        while (low < high)
        {
            var mid = low + ((high - low) >> 1);
            if (string.CompareOrdinal(_chunks[mid][^1].Spec.Id, id) < 0)
                low = mid + 1;
            else
                high = mid;
        }
        var chunk = _chunks[low];
        int from = 0, to = chunk.Length - 1;
        while (from <= to)
        {
            var mid = from + ((to - from) >> 1);
            var order = string.CompareOrdinal(chunk[mid].Spec.Id, id);
            if (order == 0)
                return (low, mid);
            if (order < 0)
                from = mid + 1;
            else
                to = mid - 1;
        }
        return (low, ~from);
    }
}
