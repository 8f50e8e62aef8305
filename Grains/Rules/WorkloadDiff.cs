using MicroSeg.Grains.Interfaces.Workloads;
using MicroSeg.Grains.Workloads;

namespace MicroSeg.Grains.Rules;

/// <summary>
/// What changed between two workload snapshots, both ordered by id (ordinal) as the workload index hands them
/// out: the records that left and the records that came (a changed workload is both). Records are compared by
/// reference, since the index hands out the same instance until a workload is written again; a record that is
/// equal but not the same instance counts as changed, which costs a recompute and never misses a change.
/// </summary>
internal sealed record WorkloadDiff(IReadOnlyList<WorkloadRecord> Removed, IReadOnlyList<WorkloadRecord> Added)
{
    /// <summary>
    /// The difference from <paramref name="before"/> to <paramref name="after"/>, or null when it is larger than
    /// <paramref name="limit"/> records or <paramref name="after"/> is not strictly ordered by id (then a caller
    /// builds from scratch). <paramref name="before"/> must be strictly ordered by id.
    /// </summary>
    public static WorkloadDiff? Between(IReadOnlyList<WorkloadRecord> before, IReadOnlyList<WorkloadRecord> after, int limit)
    {
        if (before is WorkloadChunks beforeChunks && after is WorkloadChunks afterChunks)
            return BetweenChunks(beforeChunks, afterChunks, limit);
        var removed = new List<WorkloadRecord>();
        var added = new List<WorkloadRecord>();
        return Walk(before, after, removed, added, limit) ? new WorkloadDiff(removed, added) : null;
    }

    /// <summary>
    /// Two snapshots of the workload index: the chunks both share (by reference) hold the same records, so only the runs
    /// of chunks between shared ones are compared record by record. A write then costs a diff of one chunk, not a walk
    /// over every record. The index keeps its chunks ordered, and a shared chunk is at the same place in both.
    /// </summary>
    private static WorkloadDiff? BetweenChunks(WorkloadChunks before, WorkloadChunks after, int limit)
    {
        var (was, now) = (before.Chunks, after.Chunks);
        var kept = new HashSet<WorkloadRecord[]>(now, ReferenceEqualityComparer.Instance);
        kept.IntersectWith(was);
        var removed = new List<WorkloadRecord>();
        var added = new List<WorkloadRecord>();
        List<WorkloadRecord> left = [], right = [];
        int i = 0, j = 0;
        while (i < was.Count || j < now.Count)
        {
            if (i < was.Count && !kept.Contains(was[i]))
                left.AddRange(was[i++]);
            else if (j < now.Count && !kept.Contains(now[j]))
                right.AddRange(now[j++]);
            else
            {
                // Both at a shared chunk (the same one, as shared chunks keep their order): compare what came before it.
                if (!ReferenceEquals(was[i], now[j]) || !Walk(left, right, removed, added, limit))
                    return null;
                (left, right) = ([], []);
                i++;
                j++;
            }
        }
        return Walk(left, right, removed, added, limit) ? new WorkloadDiff(removed, added) : null;
    }

    /// <summary>Adds to <paramref name="removed"/> and <paramref name="added"/> what differs between the two lists; false past the limit or out of order.</summary>
    private static bool Walk(IReadOnlyList<WorkloadRecord> before, IReadOnlyList<WorkloadRecord> after, List<WorkloadRecord> removed, List<WorkloadRecord> added, int limit)
    {
        int i = 0, j = 0;
        // True while after[j - 1] was matched to before[i - 1]: two matches in a row are ordered because before
        // is; any other pair of neighbours in after is compared.
        var aligned = false;
        while (j < after.Count)
        {
            var next = after[j];
            var match = i < before.Count && ReferenceEquals(before[i], next);
            if (j > 0 && !(aligned && match) && string.CompareOrdinal(after[j - 1].Spec.Id, next.Spec.Id) >= 0)
                return false;
            if (match)
            {
                i++;
                j++;
                aligned = true;
                continue;
            }
            aligned = false;
            var order = i < before.Count ? string.CompareOrdinal(before[i].Spec.Id, next.Spec.Id) : 1;
            if (order <= 0)
                removed.Add(before[i++]);
            if (order >= 0)
            {
                added.Add(next);
                j++;
            }
            if (removed.Count + added.Count > limit)
                return false;
        }
        while (i < before.Count)
        {
            removed.Add(before[i++]);
            if (removed.Count + added.Count > limit)
                return false;
        }
        return true;
    }

    /// <summary>Whether <paramref name="workloads"/> is strictly ordered by id, as <see cref="Between"/> needs of its first argument.</summary>
    public static bool IsOrderedById(IReadOnlyList<WorkloadRecord> workloads)
    {
        for (var k = 1; k < workloads.Count; k++)
        {
            if (string.CompareOrdinal(workloads[k - 1].Spec.Id, workloads[k].Spec.Id) >= 0)
                return false;
        }
        return true;
    }
}
