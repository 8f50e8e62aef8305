using MicroSeg.Testing.Sockets;
using MicroSeg.Api;
using MicroSeg.Benchmarks.Load;
using MicroSeg.Silo.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Hosting;

namespace MicroSeg.Benchmarks.Writes;

/// <summary>
/// One embedded silo composed as <c>make run</c> composes it (<see cref="SiloConfiguration.Configure"/>: localhost
/// clustering, SQLite grain storage and reminders under a temporary --data directory) with the REST API on
/// loopback HTTP, in this process.
/// </summary>
internal sealed class EmbeddedSilo : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly DirectoryInfo _data;

    private EmbeddedSilo(WebApplication app, DirectoryInfo data, Uri api, int gatewayPort)
    {
        _app = app;
        _data = data;
        Api = api;
        GatewayPort = gatewayPort;
    }

    /// <summary>The port agents connect to.</summary>
    public int GatewayPort { get; }

    public Uri Api { get; }

    /// <summary>The silo's --data directory.</summary>
    public string DataDirectory => _data.FullName;

    public IGrainFactory Grains => _app.Services.GetRequiredService<IGrainFactory>();

    public static async Task<EmbeddedSilo> StartAsync()
    {
        var data = Directory.CreateTempSubdirectory("microseg-writes-");
        var options = new SiloCommandOptions
        {
            Http = $"http://127.0.0.1:{LoopbackPorts.Free()}",
            SiloPort = LoopbackPorts.Free(),
            GatewayPort = LoopbackPorts.Free(),
            Data = data.FullName,
            Name = "bench",
        };
        // The product's content root (Silo/Hosting/SiloHost.cs): the working directory would have the host watch a
        // source tree for configuration changes, and every build beside the benchmark would cost it CPU.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls(options.Http);
        builder.Logging.ClearProviders();
        builder.UseOrleans(silo => SiloConfiguration.Configure(silo, options));
        builder.Services.AddMicroSegApi();
        var app = builder.Build();
        app.MapMicroSegApi();
        await app.StartAsync();
        return new EmbeddedSilo(app, data, new Uri(options.Http), options.GatewayPort);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _data.Delete(recursive: true);
    }
}
