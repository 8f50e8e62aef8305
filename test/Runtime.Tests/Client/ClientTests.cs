using MicroSeg.Runtime.Tests.Infrastructure;
using MicroSeg.Runtime.Tests.TestGrains;

namespace MicroSeg.Runtime.Tests.Client;

public sealed class ClientTests
{
    [Fact]
    public async Task ClientCall_OverTcp_ReachesGrainAndReturnsResult()
    {
        await using var silo = await TestSilo.StartAsync();
        await using var client = await TestClient.StartAsync(silo.Gateway);
        var key = Wait.NewKey();

        await client.Client.GetGrain<IStateGrain>(key).AddAsync(2);
        var viaClient = await client.Client.GetGrain<IStateGrain>(key).AddAsync(3);

        Assert.Equal(5, viaClient);
        Assert.Equal(5, await silo.Grains.GetGrain<IStateGrain>(key).GetAsync());
        Assert.Equal("8:hey", await client.Client.GetGrain<IEchoGrain>(8).EchoAsync("hey"));
    }

    [Fact]
    public async Task ClientCall_GrainReferencesAsArgumentsAndResults_WorkOverTcp()
    {
        await using var silo = await TestSilo.StartAsync();
        await using var client = await TestClient.StartAsync(silo.Gateway);
        var relay = client.Client.GetGrain<IRelayGrain>(Wait.NewKey());

        var relayed = await relay.RelayAsync(client.Client.GetGrain<IEchoGrain>(3), "a");
        var echo = await relay.GetEchoAsync(4);

        Assert.Equal("3:a", relayed);
        Assert.Equal("4:b", await echo.EchoAsync("b"));
    }

    [Fact]
    public async Task Observer_GrainPublishes_ClientObjectReceivesInOrder()
    {
        await using var silo = await TestSilo.StartAsync();
        await using var client = await TestClient.StartAsync(silo.Gateway);
        var inbox = new ChatInbox();
        var reference = client.Client.CreateObjectReference<IChatObserver>(inbox);
        var room = client.Client.GetGrain<IChatGrain>(Wait.NewKey());
        await room.SubscribeAsync(reference);

        for (var i = 0; i < 20; i++)
            Assert.Equal(0, await room.PublishAsync($"m{i}"));

        Assert.Equal(Enumerable.Range(1, 20), inbox.Messages.Select(m => m.Sequence));
        Assert.Equal("m19", inbox.Messages[^1].Text);
    }

    [Fact]
    public async Task Observer_ClientGone_GrainCallFailsFast()
    {
        await using var silo = await TestSilo.StartAsync();
        var key = Wait.NewKey();
        var room = silo.Grains.GetGrain<IChatGrain>(key);
        var client = await TestClient.StartAsync(silo.Gateway);
        // Subscribe through the client so the reference crosses TCP (a local call would pass the client's object itself).
        await client.Client.GetGrain<IChatGrain>(key).SubscribeAsync(client.Client.CreateObjectReference<IChatObserver>(new ChatInbox()));

        await client.DisposeAsync();
        var failed = await room.PublishAsync("anyone?").WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(1, failed);
    }

    [Fact]
    public async Task ClientCall_GrainThrows_ExceptionTypeAndMessageOverTcp()
    {
        await using var silo = await TestSilo.StartAsync();
        await using var client = await TestClient.StartAsync(silo.Gateway);
        var grain = client.Client.GetGrain<IThrowingGrain>(1);

        var argument = await Assert.ThrowsAsync<ArgumentException>(() => grain.ThrowArgumentAsync("policyId"));
        var invalid = await Assert.ThrowsAsync<InvalidOperationException>(() => grain.ThrowInvalidOperationAsync("not now"));
        var odd = await Assert.ThrowsAsync<GrainCallException>(() => grain.ThrowOddAsync().AsTask());

        Assert.Equal("policyId", argument.ParamName);
        Assert.StartsWith("the value is wrong", argument.Message);
        Assert.Equal("not now", invalid.Message);
        Assert.Equal(typeof(OddException).FullName, odd.RemoteExceptionType);
        Assert.Equal("odd failure 42", odd.RemoteMessage);
    }

    [Fact]
    public async Task ClientCall_UnknownObserverDeleted_CallFails()
    {
        await using var silo = await TestSilo.StartAsync();
        await using var client = await TestClient.StartAsync(silo.Gateway);
        var inbox = new ChatInbox();
        var room = client.Client.GetGrain<IChatGrain>(Wait.NewKey());
        await room.SubscribeAsync(client.Client.CreateObjectReference<IChatObserver>(inbox));

        client.Client.DeleteObjectReference<IChatObserver>(inbox);

        await Assert.ThrowsAsync<InvalidOperationException>(() => room.PublishAsync("gone"));
        Assert.Empty(inbox.Messages);
    }

    [Fact]
    public async Task ClientCall_TwentyThousandConcurrentCallsOverTcp_AllCorrelatedCorrectly()
    {
        await using var silo = await TestSilo.StartAsync();
        await using var client = await TestClient.StartAsync(silo.Gateway);
        var payload = new string('p', 2000);

        var results = await Task.WhenAll(Enumerable.Range(0, 20_000)
            .Select(i => client.Client.GetGrain<IEchoGrain>(i % 32).EchoAsync($"{i}{payload}").AsTask()));

        for (var i = 0; i < results.Length; i++)
            Assert.Equal($"{i % 32}:{i}{payload}", results[i]);
    }
}
