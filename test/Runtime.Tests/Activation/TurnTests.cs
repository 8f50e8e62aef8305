using MicroSeg.Runtime.Tests.Infrastructure;
using MicroSeg.Runtime.Tests.TestGrains;

namespace MicroSeg.Runtime.Tests.Activation;

public sealed class SiloFixture : IAsyncLifetime
{
    public TestSilo Silo { get; private set; } = null!;

    public async Task InitializeAsync() => Silo = await TestSilo.StartAsync();

    public async Task DisposeAsync() => await Silo.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class SiloCollection : ICollectionFixture<SiloFixture>
{
    public const string Name = "silo";
}

[Collection(SiloCollection.Name)]
public sealed class TurnTests(SiloFixture fixture)
{
    private IGrainFactory Grains => fixture.Silo.Grains;

    [Fact]
    public async Task Call_ThousandConcurrentCallersOnOneKey_OneActivationAndSerialTurns()
    {
        var key = Wait.NewKey();
        await Task.WhenAll(Enumerable.Range(0, 1000).Select(_ => Task.Run(() => Grains.GetGrain<ISerialGrain>(key).EnterAsync())));

        var report = await Grains.GetGrain<ISerialGrain>(key).GetReportAsync();

        Assert.Equal(new TurnReport(1000, 1, 1), report);
    }

    [Fact]
    public async Task Call_ReentrantGrain_InterleavesRequests()
    {
        var grain = Grains.GetGrain<IReentrantGrain>(Wait.NewKey());

        var results = await Task.WhenAll(grain.MeetAsync(), grain.MeetAsync());

        Assert.All(results, max => Assert.Equal(2, max));
    }

    [Fact]
    public async Task Call_AlwaysInterleaveMethod_RunsDuringLongNonReentrantCall()
    {
        var grain = Grains.GetGrain<IInterleaveGrain>(Wait.NewKey());
        var hold = grain.HoldAsync();
        var ping = grain.PingAsync();

        await grain.ReleaseAsync();

        Assert.True(await hold);
        Assert.Equal(1, await ping);
    }

    [Fact]
    public async Task Call_NonReentrantGrainHolding_NormalCallWaitsForTurn()
    {
        var grain = Grains.GetGrain<IInterleaveGrain>(Wait.NewKey());
        var hold = grain.HoldAsync();
        var ping = grain.PingAsync();
        await Task.Yield();

        Assert.False(ping.IsCompleted);
        await grain.ReleaseAsync();
        await Task.WhenAll(hold, ping);
    }

    [Fact]
    public async Task OneWayCall_GrainBusy_ReturnsAtOnceAndRunsLater()
    {
        var grain = Grains.GetGrain<IInterleaveGrain>(Wait.NewKey());
        var hold = grain.HoldAsync();

        var fire = grain.FireAsync();

        Assert.True(fire.IsCompletedSuccessfully);
        await grain.ReleaseAsync();
        await hold;
        Assert.Equal(1, await grain.FiredAsync());
    }

    [Fact]
    public async Task Call_StatelessWorker_RunsSeveralActivationsAtOnce()
    {
        var key = Wait.NewKey();
        var grain = Grains.GetGrain<IWorkerGrain>(key);

        var ids = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => grain.MeetAsync(3).AsTask()));

        Assert.Equal(3, ids.Distinct().Count());
    }

    [Fact]
    public async Task Call_GrainThrows_SameExceptionLocally()
    {
        var grain = Grains.GetGrain<IThrowingGrain>(7);

        var argument = await Assert.ThrowsAsync<ArgumentException>(() => grain.ThrowArgumentAsync("name"));
        var invalid = await Assert.ThrowsAsync<InvalidOperationException>(() => grain.ThrowInvalidOperationAsync("nope"));
        await Assert.ThrowsAsync<OddException>(() => grain.ThrowOddAsync().AsTask());

        Assert.Equal("name", argument.ParamName);
        Assert.Equal("nope", invalid.Message);
    }

    [Fact]
    public async Task GetGrain_IntegerAndGrainReferenceArguments_CallsReachTheRightGrain()
    {
        var relay = Grains.GetGrain<IRelayGrain>(Wait.NewKey());

        var viaArgument = await relay.RelayAsync(Grains.GetGrain<IEchoGrain>(5), "hi");
        var returned = await relay.GetEchoAsync(6);

        Assert.Equal("5:hi", viaArgument);
        Assert.Equal("6:yo", await returned.EchoAsync("yo"));
        Assert.Equal(Grains.GetGrain<IEchoGrain>(6), returned);
    }

    [Fact]
    public async Task Call_ManyLocalCalls_CompleteQuickly()
    {
        var grain = Grains.GetGrain<IEchoGrain>(Random.Shared.NextInt64());
        await grain.EchoAsync("warm");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        const int calls = 100_000;
        var tasks = new Task[64];
        for (var t = 0; t < tasks.Length; t++)
        {
            tasks[t] = Task.Run(async () =>
            {
                for (var i = 0; i < calls / 64; i++)
                    await Grains.GetGrain<IEchoGrain>(i % 16).EchoAsync("x");
            });
        }

        await Task.WhenAll(tasks);
        watch.Stop();

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"{calls} calls took {watch.Elapsed}");
    }
}
