using MicroSeg.Runtime.Diagnostics;

namespace MicroSeg.Runtime.Tests.Diagnostics;

public sealed class MethodStatisticsTests
{
    // 1 tick = 1 ms, a 60 s window of 5 s slices.
    private const long Frequency = 1000;

    [Fact]
    public void Snapshot_CallsInWindow_RatesTotalsAndPercentiles()
    {
        var statistics = New(created: 0);
        for (var i = 0; i < 98; i++)
            statistics.Record(now: 1_000 + i, elapsedTicks: 10, failed: false);
        statistics.Record(now: 1_500, elapsedTicks: 400, failed: true);
        statistics.Record(now: 1_600, elapsedTicks: 400, failed: true);

        var snapshot = statistics.Snapshot(now: 10_000);

        Assert.Equal(100, snapshot.Calls);
        Assert.Equal(2, snapshot.Errors);
        Assert.Equal(100, snapshot.WindowCalls);
        Assert.Equal(10.0, snapshot.CallsPerSecond, 3);
        Assert.Equal(0.2, snapshot.ErrorsPerSecond, 3);
        Assert.InRange(snapshot.P50Ms, 9.5, 10.5);
        Assert.InRange(snapshot.P99Ms, 380, 420);
        Assert.Equal(1.78, snapshot.TotalSeconds, 3);
    }

    [Fact]
    public void Snapshot_CallsOlderThanWindow_LeaveRatesButKeepTotals()
    {
        var statistics = New(created: 0);
        for (var i = 0; i < 50; i++)
            statistics.Record(now: 1_000, elapsedTicks: 1_000, failed: i % 2 == 0);
        for (var i = 0; i < 120; i++)
            statistics.Record(now: 100_000 + i * 100, elapsedTicks: 2, failed: false);

        var snapshot = statistics.Snapshot(now: 120_000);

        Assert.Equal(170, snapshot.Calls);
        Assert.Equal(25, snapshot.Errors);
        Assert.Equal(120, snapshot.WindowCalls);
        Assert.Equal(0, snapshot.ErrorsPerSecond);
        Assert.Equal(120 / 55.0, snapshot.CallsPerSecond, 3);
        Assert.InRange(snapshot.P99Ms, 1.5, 2.5);
    }

    [Fact]
    public void Record_SliceReusedAfterWindow_OldCountsCleared()
    {
        var statistics = New(created: 0);
        statistics.Record(now: 1_000, elapsedTicks: 5, failed: true);
        // 60 s later the same slice comes round again.
        statistics.Record(now: 61_000, elapsedTicks: 5, failed: false);

        var snapshot = statistics.Snapshot(now: 61_500);

        Assert.Equal(1, snapshot.WindowCalls);
        Assert.Equal(0, snapshot.ErrorsPerSecond);
    }

    [Fact]
    public void Record_ManyThreads_CountsEveryCall()
    {
        var statistics = New(created: 0);

        Parallel.For(0, 8, _ =>
        {
            for (var i = 0; i < 10_000; i++)
                statistics.Record(now: 2_000, elapsedTicks: i % 100, failed: i % 10 == 0);
        });

        var snapshot = statistics.Snapshot(now: 3_000);
        Assert.Equal(80_000, snapshot.Calls);
        Assert.Equal(8_000, snapshot.Errors);
        Assert.Equal(80_000, snapshot.WindowCalls);
    }

    private static MethodStatistics New(long created) =>
        new("test", "ITest.Method", "Ns.ITest::Method()", TimeSpan.FromSeconds(60), created, Frequency);
}
