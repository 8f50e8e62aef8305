using MicroSeg.Runtime;
using MicroSeg.Runtime.Diagnostics;
using MicroSeg.Runtime.Hosting;
using MicroSeg.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MicroSeg.Benchmarks.Runtime;

/// <summary>In-process silos for the runtime benchmarks: one local silo, or two silos clustered on a private PostgreSQL.</summary>
internal sealed class BenchSilos : IAsyncDisposable
{
    private readonly List<IHost> _hosts = [];
    private PostgresFixture? _postgres;

    public IReadOnlyList<IHost> Hosts => _hosts;

    public static IGrainFactory Grains(IHost host) => host.Services.GetRequiredService<IGrainFactory>();

    /// <summary>One silo, localhost clustering, memory storage.</summary>
    public static async Task<BenchSilos> StartLocalAsync()
    {
        var silos = new BenchSilos();
        await silos.StartSiloAsync(silo => silo.UseLocalhostClustering(siloPort: 0, gatewayPort: 0));
        return silos;
    }

    /// <summary>Two silos on loopback TCP, PostgreSQL membership, memory storage; returns once both see each other.</summary>
    public static async Task<BenchSilos> StartClusterAsync(int count = 2)
    {
        var silos = new BenchSilos { _postgres = new PostgresFixture() };
        var clusterId = $"bench-{Guid.NewGuid():N}";
        try
        {
            for (var i = 0; i < count; i++)
            {
                await silos.StartSiloAsync(silo =>
                {
                    silo.ConfigureEndpoints(o =>
                    {
                        o.SiloPort = 0;
                        o.GatewayPort = 0;
                    });
                    silo.UsePostgresClustering(o =>
                    {
                        o.ConnectionString = silos._postgres.ConnectionString;
                        o.ClusterId = clusterId;
                    });
                    silo.ConfigureMembership(o => o.TableRefreshPeriod = TimeSpan.FromMilliseconds(200));
                });
            }

            await silos.WaitForMembersAsync(count);
        }
        catch
        {
            await silos.DisposeAsync();
            throw;
        }

        return silos;
    }

    /// <summary>Keys of grains that <paramref name="caller"/> reaches on another silo (found by asking each grain where it runs).</summary>
    public static async Task<List<long>> RemoteKeysAsync(IHost caller, int count)
    {
        var own = caller.Services.GetRequiredService<ILocalSiloDetails>().GatewayEndpoint!.Port;
        var keys = new List<long>(count);
        for (long key = 1_000_000; keys.Count < count; key++)
        {
            if (await Grains(caller).GetGrain<IPingGrain>(key).SiloAsync() != own)
                keys.Add(key);
        }

        return keys;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in Enumerable.Reverse(_hosts))
        {
            await host.StopAsync();
            host.Dispose();
        }

        _hosts.Clear();
        _postgres?.Dispose();
    }

    private async Task StartSiloAsync(Action<ISiloBuilder> clustering)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.UseMicroSegSilo(silo =>
        {
            clustering(silo);
            silo.AddMemoryGrainStorageAsDefault();
            silo.AddGrains(typeof(PingGrain).Assembly);
        });
        var host = builder.Build();
        await host.StartAsync();
        _hosts.Add(host);
    }

    // Every silo's table view lists every silo as active, and each answers the others.
    private async Task WaitForMembersAsync(int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var views = await Task.WhenAll(_hosts.Select(h => h.Services.GetRequiredService<IRuntimeStatistics>().GetClusterStatisticsAsync()));
            if (views.All(v => v.Silos.Count == count && v.Silos.All(s => s.Status == "Active" && s.Error is null)))
                return;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"the {count} benchmark silos did not see each other within 30 s.");
            await Task.Delay(100);
        }
    }
}
