using System.Collections;
using MicroSeg.Grains.Common;
using MicroSeg.Grains.Interfaces.Workloads;
using Orleans;

namespace MicroSeg.Grains.Workloads;

/// <summary>
/// A snapshot of the workload index: records ordered by id (ordinal), held as a row of immutable chunks. Two snapshots
/// share every chunk that no write touched in between, so a snapshot costs a copy of the chunk row (≈ 200 references
/// at 50,000 workloads), not of every record, and a diff between two snapshots (<see cref="Rules.WorkloadDiff"/>) skips
/// shared chunks by reference. Copying the whole 50,000-record list for every snapshot a fan-out took was ≈ 25 MB/s of
/// large-object-heap garbage, which started the silo's full collections.
/// </summary>
[GenerateSerializer, Immutable, Alias("microseg.state.WorkloadChunks")]
internal sealed class WorkloadChunks : IReadOnlyList<WorkloadRecord>
{
    public static readonly WorkloadChunks Empty = new([]);

    // Each chunk is a sorted, non-empty array that is never written after it is made.
    [Id(0)]
    private readonly WorkloadRecord[][] _chunks;
    [Id(1)]
    private readonly int[] _starts;
    [Id(2)]
    private readonly int _count;

    public WorkloadChunks(WorkloadRecord[][] chunks)
    {
        _chunks = chunks;
        _starts = RunStarts.Of(chunks, c => c.Length, out _count);
    }

    public int Count => _count;

    /// <summary>The chunks, in order: what a diff compares by reference.</summary>
    public IReadOnlyList<WorkloadRecord[]> Chunks => _chunks;

    public WorkloadRecord this[int index]
    {
        get
        {
            if ((uint)index >= (uint)_count)
                throw new ArgumentOutOfRangeException(nameof(index));
            var chunk = RunStarts.RunHolding(_starts, index);
            return _chunks[chunk][index - _starts[chunk]];
        }
    }

    public IEnumerator<WorkloadRecord> GetEnumerator()
    {
        foreach (var chunk in _chunks)
        {
            foreach (var record in chunk)
                yield return record;
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
