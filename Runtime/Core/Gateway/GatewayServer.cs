using System.Net;
using MicroSeg.Runtime.Cluster;
using MicroSeg.Runtime.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MicroSeg.Runtime.Gateway;

/// <summary>
/// The runtime's own small Kestrel instance (TCP connection handlers, no HTTP), so it runs in a plain
/// generic host and beside the application's web server alike: the gateway port for clients and, in
/// cluster mode, the silo port for other silos.
/// </summary>
internal sealed partial class GatewayServer(GatewayService gateway, SiloConnections silos, ClusterView view, Invocation.ObserverRegistry observers, IOptions<EndpointOptions> options,
    LocalSiloDetails silo, IServiceProvider services, TimeProvider time, ILoggerFactory loggerFactory, ILogger<GatewayServer> logger)
{
    private WebApplication? _app;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var listen = IPAddress.Parse(settings.GatewayListenAddress);
        var clustered = services.GetService(typeof(IMembershipTable)) is not null;
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = "MicroSeg.Runtime.Gateway" });
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        builder.Services.AddSingleton<IHostLifetime, EmbeddedLifetime>();
        builder.Services.AddSingleton(gateway);
        builder.Services.AddSingleton(silos);
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(new IPEndPoint(listen, settings.GatewayPort), l => l.UseConnectionHandler<GatewayConnectionHandler>());
            if (clustered)
                kestrel.Listen(new IPEndPoint(listen, settings.SiloPort), l => l.UseConnectionHandler<SiloConnectionHandler>());
        });
        _app = builder.Build();
        await _app.StartAsync(cancellationToken).ConfigureAwait(false);
        var ports = (_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
            .Select(a => new Uri(a).Port).ToList();
        silo.GatewayEndpoint = new IPEndPoint(listen, ports.Count > 0 ? ports[0] : settings.GatewayPort);
        LogListening(silo.GatewayEndpoint);
        if (clustered)
        {
            var siloPort = ports.Count > 1 ? ports[1] : settings.SiloPort;
            view.Self = new SiloAddress(AdvertisedHost(settings), siloPort, time.GetUtcNow().ToUnixTimeMilliseconds());
            silo.SiloAddress = view.Self;
            observers.Location = view.Self.ToString();
            LogSiloListening(view.Self);
        }
    }

    /// <summary>The address other silos and clients use: <see cref="EndpointOptions.AdvertisedAddress"/>, else the listen address, else (listening on every interface) the first non-loopback IPv4.</summary>
    public static string AdvertisedHost(EndpointOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.AdvertisedAddress))
            return options.AdvertisedAddress;
        var listen = IPAddress.Parse(options.GatewayListenAddress);
        if (!listen.Equals(IPAddress.Any) && !listen.Equals(IPAddress.IPv6Any))
            return listen.ToString();
        var candidates = System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == System.Net.NetworkInformation.OperationalStatus.Up)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .Where(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
        return (candidates.FirstOrDefault() ?? IPAddress.Loopback).ToString();
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        gateway.Stop();
        silos.Stop();
        if (_app is null)
            return;
        await _app.StopAsync(cancellationToken).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _app = null;
    }

    private sealed class GatewayConnectionHandler(GatewayService gateway) : ConnectionHandler
    {
        public override Task OnConnectedAsync(ConnectionContext connection) => gateway.ServeAsync(connection);
    }

    private sealed class SiloConnectionHandler(SiloConnections silos) : ConnectionHandler
    {
        public override Task OnConnectedAsync(ConnectionContext connection) => silos.ServeAsync(connection);
    }

    /// <summary>The embedded server follows the silo's lifetime; it does not listen for console signals itself.</summary>
    private sealed class EmbeddedLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
