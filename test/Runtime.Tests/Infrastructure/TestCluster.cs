using MicroSeg.Runtime.Cluster;
using MicroSeg.Runtime.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MicroSeg.Runtime.Tests.Infrastructure;

/// <summary>
/// N in-process silos forming one cluster on PostgreSQL (Orleans TestingHost's <c>TestCluster</c>), with
/// short heartbeat and death timeouts, PostgreSQL grain storage and a <see cref="Client"/> that finds its
/// gateways in the membership table. Each cluster has its own cluster id, so clusters share a database.
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    public static readonly TimeSpan DeathTimeout = TimeSpan.FromSeconds(3);
    private readonly List<TestClusterSilo> _silos = [];
    private readonly Action<ISiloBuilder>? _configure;
    private TestClient? _client;

    private TestCluster(string connectionString, Action<ISiloBuilder>? configure)
    {
        ConnectionString = connectionString;
        _configure = configure;
    }

    public string ConnectionString { get; }

    public string ClusterId { get; } = $"test-{Guid.NewGuid():N}";

    /// <summary>The silos started and not stopped or killed, oldest first.</summary>
    public IReadOnlyList<TestClusterSilo> Silos => _silos;

    /// <summary>A cluster client using PostgreSQL gateway discovery.</summary>
    public TestClient Client => _client ?? throw new InvalidOperationException("The cluster has no client; start it with a client.");

    public static async Task<TestCluster> StartAsync(string connectionString, int silos = 3, bool client = true, Action<ISiloBuilder>? configure = null)
    {
        var cluster = new TestCluster(connectionString, configure);
        try
        {
            for (var i = 0; i < silos; i++)
                await cluster.StartAdditionalSiloAsync();
            if (client)
                cluster._client = await TestClient.StartAsync(c => c.UsePostgresClustering(o =>
                {
                    o.ConnectionString = connectionString;
                    o.ClusterId = cluster.ClusterId;
                }));
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return cluster;
    }

    /// <summary>Starts one more silo and waits until every silo sees it active.</summary>
    public async Task<TestClusterSilo> StartAdditionalSiloAsync() => await StartSiloAsync(0, 0);

    /// <summary>Stops the silo abruptly: no deregistration, no deactivation; the others notice by missed heartbeats.</summary>
    public async Task KillSiloAsync(TestClusterSilo silo)
    {
        _silos.Remove(silo);
        await silo.KillAsync();
    }

    /// <summary>Stops the silo gracefully (ShuttingDown, grains deactivated, then Dead).</summary>
    public async Task StopSiloAsync(TestClusterSilo silo)
    {
        _silos.Remove(silo);
        await silo.StopAsync();
        await WaitForViewsAsync();
    }

    /// <summary>Stops the silo gracefully and starts a new incarnation on the same ports.</summary>
    public async Task<TestClusterSilo> RestartSiloAsync(TestClusterSilo silo)
    {
        await StopSiloAsync(silo);
        return await StartSiloAsync(silo.SiloPort, silo.GatewayPort);
    }

    /// <summary>Waits until every silo's view lists exactly the live silos.</summary>
    public Task WaitForViewsAsync(TimeSpan? timeout = null)
    {
        var expected = _silos.Select(s => s.Address).OrderBy(a => a.ToString(), StringComparer.Ordinal).ToList();
        return Wait.UntilAsync(() => _silos.All(s => s.View.Members.Select(m => m.Address).SequenceEqual(expected)),
            $"every silo sees the {expected.Count} live silos", timeout);
    }

    /// <summary>The live silo hosting (or that would host) the grain.</summary>
    public TestClusterSilo OwnerOf(string grainType, string key)
    {
        var first = _silos[0];
        var owner = first.View.RemoteOwner(grainType, key) ?? first.Address;
        return _silos.Single(s => s.Address == owner);
    }

    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
            await _client.DisposeAsync();
        foreach (var silo in _silos.AsEnumerable().Reverse().ToList())
            await silo.StopAsync();
        _silos.Clear();
    }

    private async Task<TestClusterSilo> StartSiloAsync(int siloPort, int gatewayPort)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.UseMicroSegSilo(silo =>
        {
            silo.ConfigureEndpoints(o =>
            {
                o.SiloPort = siloPort;
                o.GatewayPort = gatewayPort;
            });
            silo.UsePostgresClustering(o =>
            {
                o.ConnectionString = ConnectionString;
                o.ClusterId = ClusterId;
            });
            silo.ConfigureMembership(o =>
            {
                o.HeartbeatPeriod = TimeSpan.FromMilliseconds(100);
                o.TableRefreshPeriod = TimeSpan.FromMilliseconds(100);
                o.DeathTimeout = DeathTimeout;
                o.ConnectTimeout = TimeSpan.FromSeconds(2);
            });
            silo.AddPostgresGrainStorageAsDefault(o => o.ConnectionString = ConnectionString);
            silo.AddGrains(typeof(TestCluster).Assembly);
            _configure?.Invoke(silo);
        });
        builder.Services.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(10));
        var host = builder.Build();
        await host.StartAsync();
        var silo = new TestClusterSilo(host);
        _silos.Add(silo);
        await WaitForViewsAsync();
        return silo;
    }
}

/// <summary>One silo of a <see cref="TestCluster"/>.</summary>
public sealed class TestClusterSilo
{
    private readonly IHost _host;
    private bool _stopped;

    internal TestClusterSilo(IHost host)
    {
        _host = host;
        Address = host.Services.GetRequiredService<ClusterView>().Self!;
        GatewayPort = host.Services.GetRequiredService<ILocalSiloDetails>().GatewayEndpoint!.Port;
    }

    public IServiceProvider Services => _host.Services;

    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    internal SiloAddress Address { get; }

    internal ClusterView View => _host.Services.GetRequiredService<ClusterView>();

    public int SiloPort => Address.Port;

    public int GatewayPort { get; }

    public string Gateway => $"127.0.0.1:{GatewayPort}";

    /// <summary>Whether the host stopped (killed, stopped, or stopped itself when declared dead).</summary>
    public bool HasStopped => _host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested || _stopped;

    public override string ToString() => Address.ToString();

    internal async Task KillAsync()
    {
        if (_stopped)
            return;
        _stopped = true;
        await _host.Services.GetRequiredService<SiloHostedService>().KillAsync();
        await _host.StopAsync();
        _host.Dispose();
    }

    internal async Task StopAsync()
    {
        if (_stopped)
            return;
        _stopped = true;
        await _host.StopAsync();
        _host.Dispose();
    }
}
