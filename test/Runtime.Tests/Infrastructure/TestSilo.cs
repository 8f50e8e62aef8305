using MicroSeg.Runtime.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MicroSeg.Runtime.Tests.Infrastructure;

/// <summary>A silo in a generic host on a free (or given) gateway port, with the test grains.</summary>
public sealed class TestSilo : IAsyncDisposable
{
    private readonly IHost _host;
    private bool _stopped;

    private TestSilo(IHost host) => _host = host;

    public IServiceProvider Services => _host.Services;

    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    public int GatewayPort => _host.Services.GetRequiredService<ILocalSiloDetails>().GatewayEndpoint!.Port;

    public string Gateway => $"127.0.0.1:{GatewayPort}";

    public static async Task<TestSilo> StartAsync(Action<ISiloBuilder>? configure = null, int gatewayPort = 0, bool memoryStorage = true)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.UseMicroSegSilo(silo =>
        {
            silo.UseLocalhostClustering(siloPort: 0, gatewayPort: gatewayPort);
            silo.AddGrains(typeof(TestSilo).Assembly);
            if (memoryStorage)
                silo.AddMemoryGrainStorageAsDefault();
            configure?.Invoke(silo);
        });
        var host = builder.Build();
        await host.StartAsync();
        return new TestSilo(host);
    }

    public async Task StopAsync()
    {
        if (_stopped)
            return;
        _stopped = true;
        await _host.StopAsync();
        _host.Dispose();
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}

/// <summary>A client process-like host: UseMicroSegClient over TCP, with a recording status observer.</summary>
public sealed class TestClient : IAsyncDisposable
{
    private readonly IHost _host;

    private TestClient(IHost host) => _host = host;

    public IClusterClient Client => _host.Services.GetRequiredService<IClusterClient>();

    public StatusRecorder Status => _host.Services.GetRequiredService<StatusRecorder>();

    public static Task<TestClient> StartAsync(params string[] gateways) => StartAsync(client => client.UseStaticGateways(gateways));

    /// <summary>The client's current gateway ("host:port").</summary>
    public string? Gateway => ((Runtime.Client.ClusterClient)Client).Gateway;

    public static async Task<TestClient> StartAsync(Action<IClientBuilder> configure)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<StatusRecorder>();
        builder.Services.AddSingleton<IClusterConnectionStatusObserver>(sp => sp.GetRequiredService<StatusRecorder>());
        builder.UseMicroSegClient(client =>
        {
            configure(client);
            client.Configure(o => o.ResponseTimeout = TimeSpan.FromSeconds(10));
        });
        var host = builder.Build();
        await host.StartAsync();
        var client = new TestClient(host);
        await Wait.UntilAsync(() => client.Client.IsConnected, "the client connects");
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}

/// <summary>Records connection status notifications.</summary>
public sealed class StatusRecorder : IClusterConnectionStatusObserver
{
    private int _lost;
    private int _recovered;

    public int Lost => Volatile.Read(ref _lost);

    public int Recovered => Volatile.Read(ref _recovered);

    public void NotifyClusterConnectionLost() => Interlocked.Increment(ref _lost);

    public void NotifyGatewayCountChanged(int currentNumberOfGateways, int previousNumberOfGateways, bool connectionRecovered)
    {
        if (connectionRecovered && currentNumberOfGateways > 0)
            Interlocked.Increment(ref _recovered);
    }
}
