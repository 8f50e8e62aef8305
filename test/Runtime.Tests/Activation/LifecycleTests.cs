using MicroSeg.Runtime.Hosting;
using MicroSeg.Runtime.Tests.Infrastructure;
using MicroSeg.Runtime.Tests.TestGrains;
using Microsoft.Extensions.DependencyInjection;

namespace MicroSeg.Runtime.Tests.Activation;

public sealed class LifecycleTests
{
    [Fact]
    public async Task IdleCollection_GrainIdle_DeactivatesAndReactivatesWithWrittenState()
    {
        await using var silo = await TestSilo.StartAsync(s => s.Services.Configure<GrainCollectionOptions>(o =>
        {
            o.CollectionAge = TimeSpan.FromMilliseconds(200);
            o.CollectionQuantum = TimeSpan.FromMilliseconds(50);
        }));
        var key = Wait.NewKey();
        var grain = silo.Grains.GetGrain<IStateGrain>(key);
        await grain.AddAsync(5);

        await Wait.UntilAsync(() => Probe.Get($"state-deactivate:{key}:{DeactivationReasonCode.ActivationIdle}") == 1, "the idle grain deactivates");

        Assert.Equal(5, await grain.GetAsync());
        Assert.Equal(2, Probe.Get($"state-activate:{key}"));
    }

    [Fact]
    public async Task DeactivateOnIdle_AfterCall_NextCallActivatesAgainWithState()
    {
        await using var silo = await TestSilo.StartAsync();
        var key = Wait.NewKey();
        var grain = silo.Grains.GetGrain<IStateGrain>(key);
        await grain.AddAsync(3);

        await grain.DeactivateAsync();
        await Wait.UntilAsync(() => Probe.Get($"state-deactivate:{key}:{DeactivationReasonCode.ApplicationRequested}") == 1, "the grain deactivates");

        Assert.Equal(8, await grain.AddAsync(5));
        Assert.Equal(2, Probe.Get($"state-activate:{key}"));
    }

    [Fact]
    public async Task SiloStop_ActiveGrain_OnDeactivateCalledWithShuttingDown()
    {
        var silo = await TestSilo.StartAsync();
        var key = Wait.NewKey();
        await silo.Grains.GetGrain<IStateGrain>(key).AddAsync(1);

        await silo.StopAsync();

        Assert.Equal(1, Probe.Get($"state-deactivate:{key}:{DeactivationReasonCode.ShuttingDown}"));
    }

    [Fact]
    public async Task LocalCall_NoAnswerWithinResponseTimeout_ThrowsTimeoutException()
    {
        await using var silo = await TestSilo.StartAsync(s =>
        {
            s.Services.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromMilliseconds(300));
            s.Services.Configure<GrainCollectionOptions>(o => o.DeactivationTimeout = TimeSpan.FromMilliseconds(200));
        });
        var grain = silo.Grains.GetGrain<IThrowingGrain>(Random.Shared.NextInt64());

        await Assert.ThrowsAsync<TimeoutException>(() => grain.HangAsync().WaitAsync(Wait.Deadline));
    }

    [Fact]
    public async Task GetGrain_InterfaceWithoutGrainClass_ThrowsClearError()
    {
        await using var silo = await TestSilo.StartAsync();

        var error = Assert.Throws<ArgumentException>(() => silo.Grains.GetGrain<IUnimplementedGrain>("x"));

        Assert.Contains("AddGrains", error.Message);
    }

    [Fact]
    public async Task GrainTimer_TicksWhileRequestsRun_TicksAreTurns()
    {
        await using var silo = await TestSilo.StartAsync();
        var grain = silo.Grains.GetGrain<ITimerGrain>(Guid.NewGuid());
        await grain.StartAsync(TimeSpan.FromMilliseconds(5));

        await Wait.UntilAsync(async () =>
        {
            await grain.BusyAsync();
            return (await grain.GetReportAsync()).Ticks >= 5;
        }, "the timer ticks five times");
        await grain.StopAsync();

        Assert.Equal(1, (await grain.GetReportAsync()).MaxConcurrent);
    }
}

/// <summary>An interface no grain class implements.</summary>
public interface IUnimplementedGrain : IGrainWithStringKey
{
    /// <summary>Nothing.</summary>
    Task NothingAsync();
}
