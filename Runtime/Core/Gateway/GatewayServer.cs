using System.Net;
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
/// The gateway's own small Kestrel instance (TCP connection handler, no HTTP), so the gateway runs in a plain
/// generic host and beside the application's web server alike.
/// </summary>
internal sealed partial class GatewayServer(GatewayService gateway, IOptions<EndpointOptions> options, LocalSiloDetails silo,
    ILoggerFactory loggerFactory, ILogger<GatewayServer> logger)
{
    private WebApplication? _app;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var endpoint = new IPEndPoint(IPAddress.Parse(options.Value.GatewayListenAddress), options.Value.GatewayPort);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = "MicroSeg.Runtime.Gateway" });
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        builder.Services.AddSingleton<IHostLifetime, EmbeddedLifetime>();
        builder.Services.AddSingleton(gateway);
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
            kestrel.Listen(endpoint, listen => listen.UseConnectionHandler<GatewayConnectionHandler>()));
        _app = builder.Build();
        await _app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        var port = address is not null ? new Uri(address).Port : endpoint.Port;
        silo.GatewayEndpoint = new IPEndPoint(endpoint.Address, port);
        LogListening(silo.GatewayEndpoint);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        gateway.Stop();
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

    /// <summary>The embedded server follows the silo's lifetime; it does not listen for console signals itself.</summary>
    private sealed class EmbeddedLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
