using System.Diagnostics;
using MicroSeg.Runtime.Activation;
using Microsoft.Extensions.DependencyInjection;
using MicroSeg.Runtime.Tests.Infrastructure;
using MicroSeg.Runtime.Tests.TestGrains;

namespace MicroSeg.Runtime.Tests.Cluster;

[Collection(PostgresCollection.Name)]
public sealed class ClusterTests(PostgresFixture postgres)
{
    private const string StateGrainType = "state";

    [Fact]
    public async Task Calls_FromEverySilo_OneActivationPerGrainInCluster()
    {
        await using var cluster = await postgres.StartClusterAsync(silos: 3, client: false);
        var keys = Enumerable.Range(0, 30).Select(_ => Wait.NewKey()).ToList();

        foreach (var silo in cluster.Silos)
            await Task.WhenAll(keys.Select(k => silo.Grains.GetGrain<IStateGrain>(k).AddAsync(1)));

        foreach (var key in keys)
        {
            Assert.Equal(3, await cluster.Silos[0].Grains.GetGrain<IStateGrain>(key).GetAsync());
            Assert.Equal(1, Probe.Get($"state-activate:{key}"));
        }

        Assert.True(keys.Select(k => cluster.OwnerOf(StateGrainType, k)).Distinct().Count() > 1, "the grains are spread over the silos");
    }

    [Fact]
    public async Task KillSiloAsync_ThreeSilos_GrainsReactivateOnSurvivorsWithLastWrittenState()
    {
        await using var cluster = await postgres.StartClusterAsync(silos: 3, client: false);
        var keys = Enumerable.Range(0, 40).Select(_ => Wait.NewKey()).ToList();
        var caller = cluster.Silos[0];
        foreach (var key in keys)
        {
            await caller.Grains.GetGrain<IStateGrain>(key).AddAsync(5);
            await caller.Grains.GetGrain<IStateGrain>(key).AddAsync(2);
        }

        var victim = cluster.Silos[1];
        var moved = keys.Where(k => cluster.OwnerOf(StateGrainType, k) == victim).ToList();
        Assert.NotEmpty(moved);

        await cluster.KillSiloAsync(victim);

        var errors = 0;
        foreach (var key in keys)
        {
            var value = await CallWithRetryAsync(() => caller.Grains.GetGrain<IStateGrain>(key).GetAsync(), () => errors++);
            Assert.Equal(7, value);
        }

        foreach (var key in moved)
            Assert.Equal(2, Probe.Get($"state-activate:{key}"));
        await cluster.WaitForLivenessToStabilizeAsync();
        Assert.All(moved, k => Assert.NotEqual(victim, cluster.OwnerOf(StateGrainType, k)));
    }

    [Fact]
    public async Task KillSiloAsync_CallPendingOnKilledSilo_FailsFastWithSiloUnavailable()
    {
        await using var cluster = await postgres.StartClusterAsync(silos: 3, client: false);
        var caller = cluster.Silos[0];
        var key = Enumerable.Range(1000, 200).First(k => cluster.OwnerOf("throwing", k.ToString(System.Globalization.CultureInfo.InvariantCulture)) == cluster.Silos[1]);
        var owner = cluster.Silos[1];
        var pending = caller.Grains.GetGrain<IThrowingGrain>(key).HangAsync();
        var catalog = owner.Services.GetRequiredService<Catalog>();
        await Wait.UntilAsync(() => catalog.Activations.Any(a => a.Key == key.ToString(System.Globalization.CultureInfo.InvariantCulture)), "the call reaches the owning silo");

        var watch = Stopwatch.StartNew();
        await cluster.KillSiloAsync(owner);

        var error = await Assert.ThrowsAsync<SiloUnavailableException>(() => pending.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"took {watch.Elapsed}");
        Assert.Contains("retry", error.Message);
    }

    [Fact]
    public async Task Client_GatewaySiloKilled_FailsOverToAnotherGateway()
    {
        await using var cluster = await postgres.StartClusterAsync(silos: 3, configureClient: c => c.Services
            .AddSingleton<StatusRecorder>()
            .AddSingleton<IClusterConnectionStatusObserver>(sp => sp.GetRequiredService<StatusRecorder>()));
        var client = cluster.Client;
        var key = Wait.NewKey();
        Assert.Equal(1, await client.GetGrain<IStateGrain>(key).AddAsync(1));
        var first = cluster.ClientGateway;
        var victim = cluster.Silos.Single(s => s.Gateway == first);

        await cluster.KillSiloAsync(victim);
        await Wait.UntilAsync(() => client.IsConnected && cluster.ClientGateway is { } now && now != first, "the client connects to another gateway");

        Assert.Equal(2, await CallWithRetryAsync(() => client.GetGrain<IStateGrain>(key).AddAsync(1), () => { }));
        Assert.True(cluster.ClientServices.GetRequiredService<StatusRecorder>().Lost >= 1);
    }

    [Fact]
    public async Task Observer_GrainOnAnotherSiloThanClientGateway_ReceivesThroughGatewaySilo()
    {
        await using var cluster = await postgres.StartClusterAsync(silos: 3);
        var client = cluster.Client;
        var gatewaySilo = cluster.Silos.Single(s => s.Gateway == cluster.ClientGateway);
        var room = Enumerable.Range(0, 100).Select(_ => Wait.NewKey()).First(k => cluster.OwnerOf("chat", k) != gatewaySilo);
        var inbox = new ChatInbox();
        await client.GetGrain<IChatGrain>(room).SubscribeAsync(client.CreateObjectReference<IChatObserver>(inbox));

        for (var i = 0; i < 10; i++)
            Assert.Equal(0, await client.GetGrain<IChatGrain>(room).PublishAsync($"m{i}"));

        Assert.Equal(Enumerable.Range(1, 10), inbox.Messages.Select(m => m.Sequence));
    }

    [Fact]
    public async Task StartAdditionalSiloAsync_GrainsMoveToNewSilo_StateKept()
    {
        await using var cluster = await postgres.StartClusterAsync(silos: 2, client: false);
        var keys = Enumerable.Range(0, 30).Select(_ => Wait.NewKey()).ToList();
        await Task.WhenAll(keys.Select(k => cluster.Silos[0].Grains.GetGrain<IStateGrain>(k).AddAsync(3)));

        var added = await cluster.StartAdditionalSiloAsync();

        var moved = keys.Where(k => cluster.OwnerOf(StateGrainType, k) == added).ToList();
        Assert.NotEmpty(moved);
        foreach (var key in keys)
            Assert.Equal(4, await CallWithRetryAsync(() => cluster.Silos[0].Grains.GetGrain<IStateGrain>(key).AddAsync(1), () => { }));
        await Wait.UntilAsync(() => moved.All(k => Probe.Get($"state-deactivate:{k}:{DeactivationReasonCode.Migrating}") == 1),
            "the moved grains deactivated on their old silo");
    }

    [Fact]
    public async Task RestartSiloAsync_SamePorts_NewGenerationJoinsAndOldOneIsDead()
    {
        await using var cluster = await postgres.StartClusterAsync(silos: 2, client: false);
        var old = cluster.Silos[1];
        var key = Wait.NewKey();
        await cluster.Silos[0].Grains.GetGrain<IStateGrain>(key).AddAsync(8);

        var restarted = await cluster.RestartSiloAsync(old);

        Assert.Equal(old.SiloPort, restarted.SiloPort);
        Assert.NotEqual(old.ToString(), restarted.ToString());
        Assert.Equal(9, await restarted.Grains.GetGrain<IStateGrain>(key).AddAsync(1));
        Assert.Equal(2, cluster.Silos[0].ActiveSilos.Count);
    }

    [Fact]
    public async Task Silo_DeclaredDeadInTable_StopsItself()
    {
        await using var cluster = await postgres.StartClusterAsync(silos: 2, client: false);
        var victim = cluster.Silos[1];

        await postgres.ExecuteAsync("UPDATE microseg_membership SET status = 3 WHERE cluster_id = @c AND address = @a",
            ("c", cluster.ClusterId), ("a", $"127.0.0.1:{victim.SiloPort}"));

        await Wait.UntilAsync(() => victim.HasStopped, "the silo declared dead stops");
        await Wait.UntilAsync(() => cluster.Silos[0].ActiveSilos.Count == 1, "the survivor drops it from its view");
        await cluster.KillSiloAsync(victim);
    }

    /// <summary>Retries a call until it succeeds; every attempt must end (success or a clear error) quickly, never hang.</summary>
    private static async Task<T> CallWithRetryAsync<T>(Func<Task<T>> call, Action onError)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var attempt = Stopwatch.StartNew();
            try
            {
                return await call().WaitAsync(TimeSpan.FromSeconds(15));
            }
            catch (Exception ex) when (ex is SiloUnavailableException or TimeoutException && deadline.Elapsed < TimeSpan.FromSeconds(20))
            {
                Assert.True(attempt.Elapsed < TimeSpan.FromSeconds(12), $"a failed attempt took {attempt.Elapsed}: {ex.Message}");
                onError();
                await Task.Delay(20);
            }
        }
    }
}
