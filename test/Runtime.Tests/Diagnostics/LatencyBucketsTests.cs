using MicroSeg.Runtime.Diagnostics;

namespace MicroSeg.Runtime.Tests.Diagnostics;

public sealed class LatencyBucketsTests
{
    [Theory]
    [InlineData(0L)]
    [InlineData(15L)]
    [InlineData(16L)]
    [InlineData(1_000L)]
    [InlineData(123_456L)]
    [InlineData(2_000_000_000L)]
    public void IndexOf_AnyValue_BucketRangeHoldsItAndMidpointIsWithinSevenPercent(long value)
    {
        var index = LatencyBuckets.IndexOf(value);

        Assert.InRange(value, LatencyBuckets.LowerBound(index), LatencyBuckets.LowerBound(index + 1) - 1);
        Assert.InRange(LatencyBuckets.Midpoint(index), value * 0.93, Math.Max(value * 1.07, value + 0.5));
    }

    [Fact]
    public void IndexOf_IncreasingValues_NeverDecreasesAndStaysInRange()
    {
        var previous = 0;
        for (long value = 0; value < 1L << 40; value = value * 5 / 4 + 1)
        {
            var index = LatencyBuckets.IndexOf(value);
            Assert.InRange(index, previous, LatencyBuckets.Count - 1);
            previous = index;
        }
    }

    [Fact]
    public void Quantile_UniformValues_MedianAndP99NearTheTrueOnes()
    {
        var counts = new long[LatencyBuckets.Count];
        for (var value = 1; value <= 10_000; value++)
            counts[LatencyBuckets.IndexOf(value * 100L)]++;

        Assert.InRange(LatencyBuckets.Quantile(counts, 10_000, 0.5), 500_000 * 0.93, 500_000 * 1.07);
        Assert.InRange(LatencyBuckets.Quantile(counts, 10_000, 0.99), 990_000 * 0.93, 990_000 * 1.07);
        Assert.Equal(0, LatencyBuckets.Quantile(counts, 0, 0.5));
    }
}
