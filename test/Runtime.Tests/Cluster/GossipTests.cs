using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MicroSeg.Runtime.Hosting;
using MicroSeg.Runtime.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MicroSeg.Runtime.Tests.Cluster;

/// <summary>
/// Membership changes reach the other silos by gossip, not only at their next table refresh. The refresh
/// period is set to minutes here, so only gossip can explain a view that follows the table.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class GossipTests(PostgresFixture postgres)
{
    private static readonly TimeSpan s_rareRefresh = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task StartAdditionalSiloAsync_TableRarelyRefreshed_EverySiloListsTheNewSiloWhenStartReturns()
    {
        await using var cluster = await postgres.StartClusterAsync(silos: 2, client: false, configure: s => s.ConfigureMembership(o => o.TableRefreshPeriod = s_rareRefresh));

        var added = await cluster.StartAdditionalSiloAsync();

        var expected = cluster.Silos.Select(s => s.SiloAddress).Order(StringComparer.Ordinal).ToList();
        Assert.Contains(added.SiloAddress, expected);
        Assert.All(cluster.Silos, s => Assert.Equal(expected, s.ActiveSilos));
    }

    [Fact]
    public async Task StopSiloAsync_TableRarelyRefreshed_OthersDropTheSiloBeforeItsLinksClose()
    {
        await using var cluster = await postgres.StartClusterAsync(silos: 3, client: false, configure: s => s.ConfigureMembership(o => o.TableRefreshPeriod = s_rareRefresh));
        var leaving = cluster.Silos[1];

        await cluster.StopSiloAsync(leaving);

        Assert.All(cluster.Silos, s => Assert.DoesNotContain(leaving.SiloAddress, s.ActiveSilos));
        Assert.All(cluster.Silos, s => Assert.Equal(2, s.ActiveSilos.Count));
    }

    [Fact]
    public async Task KillSiloAsync_OneSurvivorDeclaresItDead_TheOtherDropsItWithoutRefreshing()
    {
        // Only the first silo reads the table often; the second learns of the death from its gossip.
        var started = 0;
        await using var cluster = await postgres.StartClusterAsync(silos: 3, client: false, configure: s =>
        {
            if (Interlocked.Increment(ref started) > 1)
                s.ConfigureMembership(o => o.TableRefreshPeriod = s_rareRefresh);
        });
        var (declarer, listener, victim) = (cluster.Silos[0], cluster.Silos[1], cluster.Silos[2]);
        Assert.Contains(victim.SiloAddress, listener.ActiveSilos);

        await cluster.KillSiloAsync(victim);

        await Wait.UntilAsync(() => !declarer.ActiveSilos.Contains(victim.SiloAddress), "the first silo declares the killed one dead",
            TestClusterOptions.DefaultDeathTimeout * 4);
        await Wait.UntilAsync(() => !listener.ActiveSilos.Contains(victim.SiloAddress), "the gossip reaches the second silo", TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task StartAdditionalSiloAsync_PeerNeverAnswers_ServesAfterGossipTimeoutAndLogsThePeer()
    {
        var gossipTimeout = TimeSpan.FromSeconds(1);
        var logs = new LogCapture();
        await using var cluster = await postgres.StartClusterAsync(silos: 1, client: false, configure: s =>
        {
            s.ConfigureMembership(o =>
            {
                o.DeathTimeout = TimeSpan.FromMinutes(1);
                o.GossipTimeout = gossipTimeout;
            });
            s.Services.AddSingleton<ILoggerProvider>(logs);
        });
        // A member that accepts connections and never answers: alive in the table, deaf on the wire.
        using var deaf = new TcpListener(IPAddress.Loopback, 0);
        deaf.Start();
        var deafAddress = $"127.0.0.1:{((IPEndPoint)deaf.LocalEndpoint).Port}";
        await postgres.ExecuteAsync("INSERT INTO microseg_membership (cluster_id, address, generation, silo_name, status) VALUES (@c, @a, 1, 'deaf', 1)",
            ("c", cluster.ClusterId), ("a", deafAddress));
        await Wait.UntilAsync(() => cluster.Silos[0].ActiveSilos.Contains($"{deafAddress}@1"), "the first silo sees the deaf member");

        var watch = Stopwatch.StartNew();
        var added = await cluster.StartAdditionalSiloAsync();

        Assert.True(watch.Elapsed < gossipTimeout * 5, $"the join took {watch.Elapsed}");
        Assert.Contains(added.SiloAddress, cluster.Silos[0].ActiveSilos);
        var warning = Assert.Single(logs.Entries, e => e.EventId == RuntimeEventIds.MembershipJoinUnacknowledged);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains(deafAddress, warning.Message);
        Assert.Contains(added.SiloAddress, warning.Message);
    }
}
