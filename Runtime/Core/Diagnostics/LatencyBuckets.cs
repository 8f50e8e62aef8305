using System.Numerics;

namespace MicroSeg.Runtime.Diagnostics;

/// <summary>
/// Log-linear latency buckets in the spirit of HDR histograms: values below 16 have a bucket each, above that
/// every power of two is split into 8 equal sub-buckets, so a bucket's midpoint is within 1/16 (≈6 %) of any
/// value in it. Values are timestamp ticks (nanoseconds on Linux); 2^36 ticks and more share the last bucket.
/// </summary>
internal static class LatencyBuckets
{
    private const int SubBucketBits = 3;
    private const int SubBuckets = 1 << SubBucketBits;
    private const int Linear = 2 * SubBuckets;
    private const int FirstLog2 = SubBucketBits + 1;
    private const int MaxLog2 = 36;

    /// <summary>Number of buckets.</summary>
    public const int Count = Linear + (MaxLog2 - FirstLog2 + 1) * SubBuckets;

    public static int IndexOf(long value)
    {
        if (value < Linear)
            return value < 0 ? 0 : (int)value;
        var log2 = 63 - BitOperations.LeadingZeroCount((ulong)value);
        if (log2 > MaxLog2)
            return Count - 1;
        var sub = (int)(value >> (log2 - SubBucketBits)) & (SubBuckets - 1);
        return Linear + (log2 - FirstLog2) * SubBuckets + sub;
    }

    /// <summary>The smallest value that falls in bucket <paramref name="index"/>.</summary>
    public static long LowerBound(int index)
    {
        if (index < Linear)
            return index;
        var log2 = (index - Linear) / SubBuckets + FirstLog2;
        var sub = (index - Linear) % SubBuckets;
        return (long)(SubBuckets + sub) << (log2 - SubBucketBits);
    }

    /// <summary>The value reported for bucket <paramref name="index"/>: the middle of its range.</summary>
    public static double Midpoint(int index) =>
        index >= Count - 1 ? LowerBound(index) : (LowerBound(index) + LowerBound(index + 1) - 1) / 2.0;

    /// <summary>
    /// The <paramref name="quantile"/> (0..1) of the counts, as a bucket midpoint; 0 when there are none.
    /// </summary>
    public static double Quantile(ReadOnlySpan<long> counts, long total, double quantile)
    {
        if (total <= 0)
            return 0;
        var rank = Math.Max(1, (long)Math.Ceiling(quantile * total));
        long seen = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            seen += counts[i];
            if (seen >= rank)
                return Midpoint(i);
        }

        return Midpoint(counts.Length - 1);
    }
}
