using MicroSeg.Grains.Common;
using Orleans.Runtime;

namespace MicroSeg.Grains.Tests.Common;

public sealed class CoalescedStateWriterTests
{
    [Fact]
    public async Task CallersDuringAWrite_ShareOneNextWrite_ThatStoresTheirChanges()
    {
        var state = new GatedState();
        var writer = new CoalescedStateWriter<List<int>>(state);

        state.State.Add(1);
        var first = writer.WriteAsync();
        Assert.Equal(1, state.Started);
        state.State.Add(2);
        var second = writer.WriteAsync();
        state.State.Add(3);
        var third = writer.WriteAsync();
        Assert.Same(second, third);

        state.Release(0);
        await first;
        Assert.Equal([1], state.Stored[0]);
        Assert.False(second.IsCompleted);
        state.Release(1);
        await second;
        Assert.Equal(2, state.Started);
        Assert.Equal([1, 2, 3], state.Stored[1]);
    }

    [Fact]
    public async Task AFailedWrite_FailsOnlyItsCallers_RunsAfterWrite_AndTheNextWriteIsAttempted()
    {
        var state = new GatedState();
        var packs = new List<string>();
        var writer = new CoalescedStateWriter<List<int>>(state, () => packs.Add("before"), () => packs.Add("after"));

        var failing = writer.WriteAsync();
        var next = writer.WriteAsync();
        state.Fail(0, new InvalidOperationException("disk full"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => failing);
        state.Release(1);
        await next;

        Assert.Equal(["before", "after", "before", "after"], packs);
    }

    [Fact]
    public async Task AWriteAfterTheLastOneEnded_StartsAtOnce_AndTheWriterKeepsNoEndedWrite()
    {
        var state = new GatedState();
        var writer = new CoalescedStateWriter<List<int>>(state);
        var first = writer.WriteAsync();
        Assert.False(writer.PendingWrite.IsCompleted);
        state.Release(0);
        await first;
        // The long-lived writer must not keep the ended write's task until the next write (the GC would promote it).
        Assert.Same(Task.CompletedTask, writer.PendingWrite);

        var second = writer.WriteAsync();

        Assert.Equal(2, state.Started);
        state.Release(1);
        await second;
    }

    /// <summary>A grain state whose writes end only when the test says so, recording what each one stored.</summary>
    private sealed class GatedState : IPersistentState<List<int>>
    {
        private readonly List<TaskCompletionSource> _gates = [];

        public List<int> State { get; set; } = [];
        public string? Etag => null;
        public bool RecordExists => Stored.Count > 0;
        public List<int[]> Stored { get; } = [];
        public int Started => _gates.Count;

        public async Task WriteStateAsync()
        {
            var gate = new TaskCompletionSource();
            _gates.Add(gate);
            var snapshot = State.ToArray();
            await gate.Task;
            Stored.Add(snapshot);
        }

        public void Release(int write) => _gates[write].SetResult();

        public void Fail(int write, Exception error) => _gates[write].SetException(error);

        public Task ClearStateAsync() => throw new NotSupportedException();

        public Task ReadStateAsync() => throw new NotSupportedException();
    }
}
