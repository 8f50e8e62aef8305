using System.Diagnostics;
using MicroSeg.Runtime.Tests.Infrastructure;
using MicroSeg.Runtime.Tests.TestGrains;

namespace MicroSeg.Runtime.Tests.Client;

public sealed class ReconnectTests
{
    [Fact]
    public async Task Client_SiloRestartedOnSamePort_ReconnectsAndObserverSawLossAndRecovery()
    {
        var silo = await TestSilo.StartAsync();
        var port = silo.GatewayPort;
        await using var client = await TestClient.StartAsync(silo.Gateway);
        Assert.Equal("1:a", await client.Client.GetGrain<IEchoGrain>(1).EchoAsync("a"));

        await silo.StopAsync();
        await Wait.UntilAsync(() => !client.Client.IsConnected && client.Status.Lost == 1, "the client notices the loss");
        await using var restarted = await TestSilo.StartAsync(gatewayPort: port);
        await Wait.UntilAsync(() => client.Client.IsConnected, "the client reconnects");

        Assert.Equal("1:b", await client.Client.GetGrain<IEchoGrain>(1).EchoAsync("b"));
        Assert.Equal(1, client.Status.Recovered);
    }

    [Fact]
    public async Task ClientCall_SiloDown_FailsFastWithSiloUnavailable()
    {
        var silo = await TestSilo.StartAsync();
        await using var client = await TestClient.StartAsync(silo.Gateway);
        await silo.StopAsync();
        await Wait.UntilAsync(() => !client.Client.IsConnected, "the client notices the loss");

        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<SiloUnavailableException>(() => client.Client.GetGrain<IEchoGrain>(1).EchoAsync("x").AsTask());

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"took {watch.Elapsed}");
        Assert.Contains("not connected", error.Message);
    }

    [Fact]
    public async Task ClientCall_ConnectionDropsWhilePending_FailsFastWithSiloUnavailable()
    {
        var silo = await TestSilo.StartAsync();
        await using var client = await TestClient.StartAsync(silo.Gateway);
        var pending = client.Client.GetGrain<IThrowingGrain>(99).HangAsync();

        var watch = Stopwatch.StartNew();
        var stopping = silo.StopAsync();
        await Assert.ThrowsAsync<SiloUnavailableException>(() => pending.WaitAsync(Wait.Deadline));

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
        await stopping;
    }
}
