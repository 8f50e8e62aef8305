using System.Net;
using MicroSeg.NodeAgent.Hosting.Gateways;
using MicroSeg.Testing.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;

namespace MicroSeg.NodeAgent.Tests.Hosting.Gateways;

/// <summary>
/// A real Orleans client configured as the agent's (<see cref="DnsGatewayClustering.UseDnsGatewayClustering"/>)
/// and two real silos on 127.0.0.2 and 127.0.0.3 with the same gateway port, as two silo pods behind one
/// Service name. The name is resolved through the injected resolver; when it moves to the other silo the client
/// follows it, although the first silo still runs (so this is the DNS change at work, not a failover).
/// </summary>
public sealed class DnsGatewayFollowTests : IAsyncLifetime
{
    private const string ServiceName = "microseg-gateway.test";
    private static readonly IPAddress s_first = IPAddress.Parse("127.0.0.2");
    private static readonly IPAddress s_second = IPAddress.Parse("127.0.0.3");
    private readonly int _gatewayPort = LoopbackPorts.Free();
    private readonly FakeGatewayNameResolver _resolver = new();
    private IHost _firstSilo = null!;
    private IHost _secondSilo = null!;

    public async Task InitializeAsync()
    {
        _firstSilo = await StartSiloAsync(s_first);
        _secondSilo = await StartSiloAsync(s_second);
    }

    public async Task DisposeAsync()
    {
        await StopAsync(_firstSilo);
        await StopAsync(_secondSilo);
    }

    [Fact]
    public async Task Client_GatewayNameMovesToAnotherSilo_ConnectsToTheNewSilo()
    {
        _resolver.Set(ServiceName, s_first.ToString());
        var client = Host.CreateApplicationBuilder();
        client.Logging.ClearProviders();
        client.Services.AddSingleton<IGatewayNameResolver>(_resolver);
        client.UseOrleansClient(c =>
        {
            c.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = ("microseg", "microseg"));
            c.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromMilliseconds(200));
            c.UseDnsGatewayClustering(o =>
            {
                o.Gateways = [$"{ServiceName}:{_gatewayPort}"];
                o.RefreshPeriod = TimeSpan.FromMilliseconds(200);
            });
        });
        using var host = client.Build();
        await host.StartAsync();
        var management = host.Services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0);

        Assert.Equal(s_first, await AnsweringSiloAsync(management));

        _resolver.Set(ServiceName, s_second.ToString());
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (await AnsweringSiloAsync(management) is var answering && !answering.Equals(s_second))
        {
            Assert.True(DateTime.UtcNow < deadline, $"the client still reaches {answering} 30 s after {ServiceName} moved to {s_second}");
            await Task.Delay(100);
        }
        // It stays there: the old silo left the client's gateway list, so no call goes to it any more.
        for (var i = 0; i < 20; i++)
            Assert.Equal(s_second, await AnsweringSiloAsync(management));
        await host.StopAsync();
    }

    /// <summary>Each silo is a cluster of its own, so the silo a call reached is the only host its management grain knows.</summary>
    private static async Task<IPAddress> AnsweringSiloAsync(IManagementGrain management)
    {
        try
        {
            var hosts = await management.GetHosts(onlyActive: true);
            return Assert.Single(hosts.Keys).Endpoint.Address;
        }
        catch (Exception e) when (e is SiloUnavailableException or Orleans.Runtime.Messaging.ConnectionFailedException or OrleansMessageRejectionException)
        {
            // A call caught while its gateway's connection was being closed; the next one goes to a listed gateway.
            return IPAddress.None;
        }
    }

    private async Task<IHost> StartSiloAsync(IPAddress address)
    {
        var siloPort = LoopbackPorts.Free();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = ("microseg", "microseg"));
            silo.ConfigureEndpoints(address, siloPort, _gatewayPort);
            silo.UseDevelopmentClustering(new IPEndPoint(address, siloPort));
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static async Task StopAsync(IHost? host)
    {
        if (host is null)
            return;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await host.StopAsync(timeout.Token);
        host.Dispose();
    }
}
