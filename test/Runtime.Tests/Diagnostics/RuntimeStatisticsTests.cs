using MicroSeg.Runtime.Diagnostics;
using MicroSeg.Runtime.Tests.Infrastructure;
using MicroSeg.Runtime.Tests.TestGrains;
using Microsoft.Extensions.DependencyInjection;

namespace MicroSeg.Runtime.Tests.Diagnostics;

public sealed class RuntimeStatisticsTests : IAsyncLifetime
{
    private TestSilo _silo = null!;

    private IRuntimeStatistics Statistics => _silo.Services.GetRequiredService<IRuntimeStatistics>();

    public async Task InitializeAsync() => _silo = await TestSilo.StartAsync();

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task GetLocalStatistics_AfterCalls_CountsCallsPerMethodAndActivationsPerType()
    {
        await Task.WhenAll(Enumerable.Range(0, 5).Select(i => _silo.Grains.GetGrain<IEchoGrain>(i).EchoAsync("x").AsTask()));
        for (var i = 0; i < 20; i++)
            await _silo.Grains.GetGrain<IEchoGrain>(0).EchoAsync("y");

        var silo = Statistics.GetLocalStatistics();

        Assert.Equal("Active", silo.Status);
        Assert.True(silo.UptimeSeconds > 0);
        Assert.Equal(5, Assert.Single(silo.GrainTypes, t => t.GrainType == "echo").Activations);
        Assert.True(silo.Activations >= 5);
        var echo = Assert.Single(silo.Methods, m => m.GrainType == "echo");
        Assert.Equal("IEchoGrain.EchoAsync", echo.Method);
        Assert.Equal(25, echo.Calls);
        Assert.Equal(0, echo.Errors);
        Assert.True(echo.CallsPerSecond > 0);
        Assert.InRange(echo.LatencyP50Ms, double.Epsilon, echo.LatencyP99Ms);
        Assert.True(silo.CallsPerSecond >= echo.CallsPerSecond);
    }

    [Fact]
    public async Task GetLocalStatistics_FailingCalls_CountsErrorsPerMethod()
    {
        var grain = _silo.Grains.GetGrain<IThrowingGrain>(1);
        for (var i = 0; i < 3; i++)
        {
            await Assert.ThrowsAsync<ArgumentException>(() => grain.ThrowArgumentAsync("p"));
            await Assert.ThrowsAsync<InvalidOperationException>(() => grain.ThrowInvalidOperationAsync("no"));
        }

        var methods = Statistics.GetLocalStatistics().Methods.Where(m => m.GrainType == "throwing").ToDictionary(m => m.Method);

        Assert.Equal(3, methods["IThrowingGrain.ThrowArgumentAsync"].Errors);
        Assert.Equal(3, methods["IThrowingGrain.ThrowInvalidOperationAsync"].Calls);
        Assert.Equal(3, methods["IThrowingGrain.ThrowInvalidOperationAsync"].Errors);
        Assert.True(methods["IThrowingGrain.ThrowInvalidOperationAsync"].ErrorsPerSecond > 0);
    }

    [Fact]
    public async Task GrainCall_StateConflict_CountedAsErrorAndStaleActivationReloads()
    {
        var key = Wait.NewKey();
        var grain = _silo.Grains.GetGrain<IStateGrain>(key);
        await grain.AddAsync(2);

        await Assert.ThrowsAsync<InconsistentStateException>(grain.ConflictAsync);

        // As in Orleans, the activation holding a stale version deactivates; the next call reads the stored state.
        await Wait.UntilAsync(() => Probe.Get($"state-deactivate:{key}:{DeactivationReasonCode.ApplicationRequested}") == 1, "the stale activation deactivates");
        Assert.Equal(3, await grain.GetAsync());
        Assert.Equal(2, Probe.Get($"state-activate:{key}"));
        var conflict = Assert.Single(Statistics.GetLocalStatistics().Methods, m => m.Method == "IStateGrain.ConflictAsync");
        Assert.Equal(1, conflict.Errors);
    }

    [Fact]
    public async Task GetClusterStatisticsAsync_SingleSilo_ListsTheLocalSilo()
    {
        await _silo.Grains.GetGrain<IEchoGrain>(7).EchoAsync("z");

        var cluster = await Statistics.GetClusterStatisticsAsync();

        var silo = Assert.Single(cluster.Silos);
        Assert.Null(silo.Error);
        Assert.Equal(60, cluster.WindowSeconds);
        Assert.Equal(1, Assert.Single(cluster.Methods, m => m.GrainType == "echo").Calls);
        Assert.Equal(1, Assert.Single(cluster.GrainTypes, t => t.GrainType == "echo").Activations);
    }
}
