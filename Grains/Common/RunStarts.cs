namespace MicroSeg.Grains.Common;

/// <summary>
/// Where each run of a list made of consecutive runs starts (endpoints' entries in a node's policy list, chunks of the
/// workload index), and which run holds a given index.
/// </summary>
internal static class RunStarts
{
    /// <summary>The index each run starts at, and in <paramref name="total"/> the length of all runs together.</summary>
    public static int[] Of<T>(T[] runs, Func<T, int> length, out int total)
    {
        var starts = new int[runs.Length];
        total = 0;
        for (var i = 0; i < runs.Length; i++)
        {
            starts[i] = total;
            total += length(runs[i]);
        }
        return starts;
    }

    /// <summary>The run that holds <paramref name="index"/>: the last one starting at or before it (empty runs share a start).</summary>
    public static int RunHolding(int[] starts, int index)
    {
        var found = Array.BinarySearch(starts, index);
        if (found < 0)
            return ~found - 1;
        while (found + 1 < starts.Length && starts[found + 1] == starts[found])
            found++;
        return found;
    }
}
