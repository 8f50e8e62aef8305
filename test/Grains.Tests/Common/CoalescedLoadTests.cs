using MicroSeg.Grains.Common;

namespace MicroSeg.Grains.Tests.Common;

public sealed class CoalescedLoadTests
{
    [Fact]
    public async Task CallersDuringARun_ShareOneNextRun_ThatStartsAfterThem()
    {
        var (load, gates, starts) = GatedLoad();

        var first = load.GetAsync();
        await WaitForAsync(() => starts() == 1);
        // Arrive while the first run is in progress: it may have read before their changes.
        var waiting = Enumerable.Range(0, 20).Select(_ => load.GetAsync()).ToList();
        Assert.Equal(1, starts());
        Release(gates, 0, 1);
        Assert.Equal(1, await first);

        await WaitForAsync(() => starts() == 2);
        Assert.All(waiting, w => Assert.False(w.IsCompleted));
        Release(gates, 1, 2);
        Assert.All(await Task.WhenAll(waiting), r => Assert.Equal(2, r));
        Assert.Equal(2, starts());
    }

    [Fact]
    public async Task AFailedRun_FailsItsCallers_AndTheNextCallLoadsAgain()
    {
        var calls = 0;
        var load = new CoalescedLoad<int>(() => Interlocked.Increment(ref calls) == 1
            ? Task.FromException<int>(new InvalidOperationException("index unreachable"))
            : Task.FromResult(7));

        await Assert.ThrowsAsync<InvalidOperationException>(() => load.GetAsync());
        Assert.Equal(7, await load.GetAsync());
    }

    [Fact]
    public async Task ACallerThatKnowsWhatItNeeds_SharesTheRunInProgress_WhenThatRunSuffices()
    {
        var (load, gates, starts) = GatedLoad();

        var first = load.GetAsync();
        await WaitForAsync(() => starts() == 1);
        var satisfied = load.GetIncludingAsync(v => v >= 5);
        var wantsMore = load.GetIncludingAsync(v => v >= 6);
        Release(gates, 0, 5);
        Assert.Equal(5, await first);
        Assert.Equal(5, await satisfied);

        // The run in progress was too old for the second caller: it gets a run that started after it.
        await WaitForAsync(() => starts() == 2);
        Assert.False(wantsMore.IsCompleted);
        Release(gates, 1, 6);
        Assert.Equal(6, await wantsMore);
        Assert.Equal(2, starts());
    }

    /// <summary>A load whose every run waits for its own gate; also says how many runs started.</summary>
    private static (CoalescedLoad<int> Load, List<TaskCompletionSource<int>> Gates, Func<int> Starts) GatedLoad()
    {
        var starts = 0;
        var gates = new List<TaskCompletionSource<int>>();
        var load = new CoalescedLoad<int>(() =>
        {
            var gate = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (gates)
                gates.Add(gate);
            Interlocked.Increment(ref starts);
            return gate.Task;
        });
        return (load, gates, () => Volatile.Read(ref starts));
    }

    private static void Release(List<TaskCompletionSource<int>> gates, int index, int value)
    {
        lock (gates)
            gates[index].SetResult(value);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
            await Task.Delay(10);
        Assert.True(condition());
    }
}
