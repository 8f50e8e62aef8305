using System.Text.Json;
using MicroSeg.Grains.Nodes;
using Orleans;
using Orleans.Runtime;

namespace MicroSeg.Grains.Tests.Nodes;

public sealed class NodeRevisionsTests
{
    [Fact]
    public async Task Changes_WriteOncePerBlock_AndOnNewRuleIds()
    {
        var storage = new FakeState();
        var revisions = Activate(storage);

        for (var i = 0; i < NodeRevisions.Block; i++)
            Assert.True(await revisions.AdvanceAsync($"h{i}"));
        Assert.Equal(NodeRevisions.Block, revisions.Current);
        Assert.Equal(1, storage.Writes);

        Assert.False(await revisions.AdvanceAsync($"h{NodeRevisions.Block - 1}"));
        Assert.True(await revisions.AdvanceAsync("next block"));
        Assert.Equal(2, storage.Writes);

        storage.State.Ids.RuleId("p/ingress/0", []);
        Assert.False(await revisions.AdvanceAsync("next block"));
        Assert.Equal(3, storage.Writes);
        Assert.Equal(1u, storage.Reload().Ids.RuleIds["p/ingress/0"]);
    }

    [Fact]
    public async Task Crash_ResumesAboveEveryRevisionHandedOut()
    {
        var storage = new FakeState();
        var revisions = Activate(storage);
        for (var i = 0; i < 10; i++)
            await revisions.AdvanceAsync($"h{i}");
        var handedOut = revisions.Current;

        // No deactivation: the process died. The next activation reads what storage holds.
        var again = Activate(new FakeState(storage.Reload()));
        Assert.True(await again.AdvanceAsync("h9"));
        Assert.True(again.Current > handedOut);
    }

    [Fact]
    public async Task CleanRestart_SameContent_KeepsTheRevision()
    {
        var storage = new FakeState();
        var revisions = Activate(storage);
        for (var i = 0; i < 5; i++)
            await revisions.AdvanceAsync($"h{i}");
        await revisions.CloseAsync();

        var again = Activate(new FakeState(storage.Reload()));
        Assert.False(await again.AdvanceAsync("h4"));
        Assert.Equal(5, again.Current);
        Assert.True(await again.AdvanceAsync("h5"));
        Assert.Equal(6, again.Current);
    }

    [Fact]
    public void StateFromBeforeReservations_ResumesAboveItsRevision()
    {
        var storage = new FakeState(new NodeState { Revision = 41, ContentHash = "old" });
        var revisions = Activate(storage);
        Assert.Equal(41, revisions.Current);
    }

    private static NodeRevisions Activate(FakeState storage)
    {
        var revisions = new NodeRevisions(storage, spread: () => 0);
        revisions.Resume();
        return revisions;
    }

    /// <summary>Storage that round-trips through JSON as the real providers do, counting writes.</summary>
    private sealed class FakeState(NodeState? initial = null) : IPersistentState<NodeState>
    {
        private string _stored = JsonSerializer.Serialize(initial ?? new NodeState());

        public NodeState State { get; set; } = initial ?? new NodeState();

        public int Writes { get; private set; }

        public string? Etag => null;

        public bool RecordExists => true;

        public NodeState Reload() => JsonSerializer.Deserialize<NodeState>(_stored)!;

        public Task ReadStateAsync()
        {
            State = Reload();
            return Task.CompletedTask;
        }

        public Task WriteStateAsync()
        {
            _stored = JsonSerializer.Serialize(State);
            Writes++;
            return Task.CompletedTask;
        }

        public Task ClearStateAsync() => Task.CompletedTask;
    }
}
