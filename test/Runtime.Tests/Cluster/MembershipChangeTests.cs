using System.Collections.Concurrent;
using MicroSeg.Runtime.Activation;
using MicroSeg.Runtime.Tests.Infrastructure;
using MicroSeg.Runtime.Tests.TestGrains;
using Microsoft.Extensions.DependencyInjection;

namespace MicroSeg.Runtime.Tests.Cluster;

/// <summary>
/// Grain writes while the membership changes: the silos' views must agree before a joining silo serves,
/// so no grain is activated twice and no write meets a stale ETag.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class MembershipChangeTests(PostgresFixture postgres)
{
    private const string StateGrainType = "state";
    private const int RoundsAfterJoin = 3;

    [Fact]
    public async Task StartAdditionalSiloAsync_WritesThroughEveryGatewayDuringJoin_NoFailuresAndOneActivationPerKey()
    {
        await using var cluster = await postgres.StartClusterAsync(silos: 2, client: false);
        var keys = Enumerable.Range(0, 48).Select(_ => Wait.NewKey()).ToList();
        var clients = new List<TestClient>();
        try
        {
            foreach (var silo in cluster.Silos)
                clients.Add(await TestClient.StartAsync(silo.Gateway));
            // Every grain is active before the join, so the join moves some of them to the new silo.
            await Task.WhenAll(keys.Select(k => clients[0].Client.GetGrain<IStateGrain>(k).AddAsync(1)));
            var hammer = new Hammer(keys);

            using var stop = new CancellationTokenSource();
            var before = clients.Select(c => hammer.RunUntilAsync(c, stop.Token)).ToList();
            var added = await cluster.StartAdditionalSiloAsync();
            var joined = await TestClient.StartAsync(added.Gateway);
            clients.Add(joined);
            await Task.WhenAll(clients.Select(c => hammer.RunRoundsAsync(c, RoundsAfterJoin)));
            await stop.CancelAsync();
            await Task.WhenAll(before);

            Assert.Empty(hammer.Failures);
            Assert.True(keys.Any(k => cluster.OwnerOf(StateGrainType, k) == added), "the join moved some grains to the new silo");
            foreach (var key in keys)
            {
                Assert.Equal(1, Probe.Peak($"state-live:{key}"));
                Assert.Equal(1 + hammer.Successes(key), await clients[0].Client.GetGrain<IStateGrain>(key).GetAsync());
            }

            await Wait.UntilAsync(() => keys.All(k => ActivationsOf(cluster, k) == 1), "each grain has exactly one activation in the cluster");
            Assert.All(keys, k => Assert.Equal(1, Probe.Get($"state-live:{k}")));
        }
        finally
        {
            foreach (var client in clients)
                await client.DisposeAsync();
        }
    }

    private static int ActivationsOf(TestCluster cluster, string key) =>
        cluster.Silos.Sum(s => s.Services.GetRequiredService<Catalog>().Activations.Count(a => a.Class.GrainType == StateGrainType && a.Key == key));

    /// <summary>Writes every key once per round through one client, counting successes and collecting failures.</summary>
    private sealed class Hammer(IReadOnlyList<string> keys)
    {
        private readonly ConcurrentDictionary<string, int> _successes = new();

        public ConcurrentQueue<string> Failures { get; } = new();

        public int Successes(string key) => _successes.TryGetValue(key, out var n) ? n : 0;

        public async Task RunUntilAsync(TestClient client, CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
                await RoundAsync(client);
        }

        public async Task RunRoundsAsync(TestClient client, int rounds)
        {
            for (var i = 0; i < rounds; i++)
                await RoundAsync(client);
        }

        private Task RoundAsync(TestClient client) => Task.WhenAll(keys.Select(async key =>
        {
            try
            {
                // A hang is a failure too: the response timeout is 10 s, so this bound only catches a lost call.
                await client.Client.GetGrain<IStateGrain>(key).AddAsync(1).WaitAsync(TimeSpan.FromSeconds(20));
                _successes.AddOrUpdate(key, 1, (_, n) => n + 1);
            }
            catch (Exception ex)
            {
                Failures.Enqueue($"{key}: {ex.GetType().Name}: {ex.Message}");
            }
        }));
    }
}
