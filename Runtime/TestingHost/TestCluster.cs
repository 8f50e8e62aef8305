using MicroSeg.Runtime.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MicroSeg.Runtime.TestingHost;

/// <summary>
/// Several silos in this process forming one cluster on PostgreSQL, plus a cluster client that finds its
/// gateways in the membership table (Orleans <c>TestCluster</c> in Microsoft.Orleans.TestingHost). Each silo
/// is a generic host on free ports; silos can be added, stopped, killed and restarted while the test runs.
/// Made by <see cref="TestClusterBuilder"/>; dispose it to stop everything.
/// </summary>
/// <remarks>
/// A silo's start completes only when it is ready: the silos it knows have acknowledged it as Active, so
/// every silo's view already contains it when <see cref="StartAdditionalSiloAsync"/> returns. A killed silo,
/// on the other hand, stays in the others' views until they declare it dead (see
/// <see cref="TestClusterOptions.DefaultDeathTimeout"/>); <see cref="WaitForLivenessToStabilizeAsync"/> waits for that.
/// </remarks>
public sealed class TestCluster : IAsyncDisposable
{
    private readonly List<TestClusterSilo> _silos = [];
    private readonly IReadOnlyList<Action<ISiloBuilder>> _configureSilo;
    private readonly IReadOnlyList<Action<IClientBuilder>> _configureClient;
    private IHost? _client;

    internal TestCluster(TestClusterOptions options, IReadOnlyList<Action<ISiloBuilder>> configureSilo, IReadOnlyList<Action<IClientBuilder>> configureClient)
    {
        Options = options;
        _configureSilo = configureSilo;
        _configureClient = configureClient;
    }

    /// <summary>The options the cluster was built with.</summary>
    public TestClusterOptions Options { get; }

    /// <summary>The cluster's id in the membership table.</summary>
    public string ClusterId => Options.ClusterId;

    /// <summary>The silos started and not stopped or killed, oldest first.</summary>
    public IReadOnlyList<TestClusterSilo> Silos => _silos;

    /// <summary>The cluster client (Orleans <c>TestCluster.Client</c>); throws when the cluster has none.</summary>
    public IClusterClient Client => ClientServices.GetRequiredService<IClusterClient>();

    /// <summary>The client host's services, e.g. status observers added with <see cref="TestClusterBuilder.ConfigureClient"/>.</summary>
    public IServiceProvider ClientServices =>
        _client?.Services ?? throw new InvalidOperationException("The cluster has no client; set TestClusterOptions.CreateClient and deploy it.");

    /// <summary>The gateway ("host:port") the client is connected to; null while it is not connected.</summary>
    public string? ClientGateway => ((global::MicroSeg.Runtime.Client.ClusterClient)Client).Gateway;

    /// <summary>Starts <see cref="TestClusterOptions.InitialSilosCount"/> silos one after another, then the client if asked for.</summary>
    /// <param name="cancellationToken">Cancels the start; what started is stopped on dispose.</param>
    /// <returns>A task that completes when every silo is ready and the client is connected.</returns>
    public async Task DeployAsync(CancellationToken cancellationToken = default)
    {
        if (_silos.Count > 0 || _client is not null)
            throw new InvalidOperationException("The cluster is already deployed.");
        for (var i = 0; i < Options.InitialSilosCount; i++)
            await StartAdditionalSiloAsync(cancellationToken).ConfigureAwait(false);
        if (Options.CreateClient)
            await StartClientAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Starts one more silo on free ports (Orleans <c>StartAdditionalSiloAsync</c>).</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The silo, ready and in every live silo's view.</returns>
    public Task<TestClusterSilo> StartAdditionalSiloAsync(CancellationToken cancellationToken = default) => StartSiloAsync(0, 0, cancellationToken);

    /// <summary>
    /// Stops the silo abruptly, as a crashed process: no table writes, no grain deactivation, connections
    /// dropped. The others notice by missed heartbeats (Orleans <c>KillSiloAsync</c>).
    /// </summary>
    /// <param name="silo">A silo of this cluster.</param>
    /// <returns>A task that completes when the silo's host is gone.</returns>
    public async Task KillSiloAsync(TestClusterSilo silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        _silos.Remove(silo);
        await silo.KillAsync().ConfigureAwait(false);
    }

    /// <summary>Stops the silo gracefully: ShuttingDown (gossiped to the others), grains deactivated, then Dead (Orleans <c>StopSiloAsync</c>).</summary>
    /// <param name="silo">A silo of this cluster.</param>
    /// <param name="cancellationToken">Cancels the graceful part of the stop.</param>
    /// <returns>A task that completes when the silo's host is gone.</returns>
    public async Task StopSiloAsync(TestClusterSilo silo, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(silo);
        _silos.Remove(silo);
        await silo.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops the silo gracefully and starts a new incarnation (a new generation) on the same ports (Orleans <c>RestartSiloAsync</c>).</summary>
    /// <param name="silo">A silo of this cluster.</param>
    /// <param name="cancellationToken">Cancels the stop or the start.</param>
    /// <returns>The new silo, ready.</returns>
    public async Task<TestClusterSilo> RestartSiloAsync(TestClusterSilo silo, CancellationToken cancellationToken = default)
    {
        await StopSiloAsync(silo, cancellationToken).ConfigureAwait(false);
        return await StartSiloAsync(silo.SiloPort, silo.GatewayPort, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Waits until every live silo's view lists exactly the live silos of this cluster, e.g. after
    /// <see cref="KillSiloAsync"/> (Orleans <c>WaitForLivenessToStabilizeAsync</c>).
    /// </summary>
    /// <param name="timeout">How long to wait; default 15 s.</param>
    /// <returns>A task that fails with <see cref="TimeoutException"/> when the views do not agree in time.</returns>
    public Task WaitForLivenessToStabilizeAsync(TimeSpan? timeout = null)
    {
        var expected = _silos.Select(s => s.SiloAddress).Order(StringComparer.Ordinal).ToList();
        return Polling.UntilAsync(() => _silos.All(s => s.ActiveSilos.SequenceEqual(expected)),
            $"every silo sees the {expected.Count} live silos", timeout ?? Polling.DefaultTimeout);
    }

    /// <summary>The live silo that hosts (or would host) the grain, by the placement of the oldest live silo's view.</summary>
    /// <param name="grainType">The grain type name: the class name without its "Grain" suffix, lower case.</param>
    /// <param name="key">The grain's key as a string.</param>
    /// <returns>The owning silo.</returns>
    public TestClusterSilo OwnerOf(string grainType, string key)
    {
        var first = _silos.FirstOrDefault() ?? throw new InvalidOperationException("The cluster has no live silo.");
        var owner = first.View.RemoteOwner(grainType, key) ?? first.Address;
        return _silos.SingleOrDefault(s => s.Address == owner)
            ?? throw new InvalidOperationException($"Silo {owner} owns {grainType}/{key} in {first}'s view but is not a live silo of this cluster.");
    }

    /// <summary>Stops the client, then every silo gracefully, newest first.</summary>
    /// <returns>A task that completes when everything stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_client is { } client)
        {
            _client = null;
            await client.StopAsync().ConfigureAwait(false);
            client.Dispose();
        }

        foreach (var silo in _silos.AsEnumerable().Reverse().ToList())
            await silo.StopAsync(CancellationToken.None).ConfigureAwait(false);
        _silos.Clear();
    }

    private async Task<TestClusterSilo> StartSiloAsync(int siloPort, int gatewayPort, CancellationToken cancellationToken)
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
                o.ConnectionString = Options.ConnectionString;
                o.ClusterId = Options.ClusterId;
            });
            silo.ConfigureMembership(o =>
            {
                o.HeartbeatPeriod = TimeSpan.FromMilliseconds(100);
                o.TableRefreshPeriod = TimeSpan.FromMilliseconds(100);
                o.DeathTimeout = TestClusterOptions.DefaultDeathTimeout;
                o.ConnectTimeout = TimeSpan.FromSeconds(2);
                o.GossipTimeout = TimeSpan.FromSeconds(2);
            });
            silo.Services.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(10));
            if (Options.UsePostgresGrainStorageAsDefault)
                silo.AddPostgresGrainStorageAsDefault(o => o.ConnectionString = Options.ConnectionString);
            foreach (var configure in _configureSilo)
                configure(silo);
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            host.Dispose();
            throw;
        }

        var started = new TestClusterSilo(host);
        _silos.Add(started);
        return started;
    }

    private async Task StartClientAsync(CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.UseMicroSegClient(client =>
        {
            client.UsePostgresClustering(o =>
            {
                o.ConnectionString = Options.ConnectionString;
                o.ClusterId = Options.ClusterId;
            });
            client.Configure(o => o.ResponseTimeout = TimeSpan.FromSeconds(10));
            foreach (var configure in _configureClient)
                configure(client);
        });
        _client = builder.Build();
        await _client.StartAsync(cancellationToken).ConfigureAwait(false);
        var connected = _client.Services.GetRequiredService<IClusterClient>();
        await Polling.UntilAsync(() => connected.IsConnected, "the cluster client connects to a gateway", Polling.DefaultTimeout).ConfigureAwait(false);
    }
}
