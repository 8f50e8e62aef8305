using MicroSeg.Testing.Sockets;
using System.Net;
using System.Net.Sockets;
using MicroSeg.Api;
using MicroSeg.Api.Security;
using MicroSeg.Grains.Interfaces.Access;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using MicroSeg.Silo.Flows;
using MicroSeg.Silo.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Hosting;

namespace MicroSeg.Cli.Tests;

/// <summary>
/// A real in-process Orleans silo with the REST API on a loopback Kestrel port (as test/Api.Tests/ApiFixture, but
/// over real HTTP so the CLI's own HttpClient, --server and token handling are what is tested).
/// </summary>
public sealed class SiloFixture : IAsyncLifetime
{
    private WebApplication? _app;
    // Flow history (SQLite) for the commands that read it: flows, topology, why, recommend, simulate.
    private readonly string _flowHistoryDir = Directory.CreateTempSubdirectory("microsegctl-flows-").FullName;

    /// <summary>The silo's services, for tests that report flows as an agent would.</summary>
    public IServiceProvider Services => _app!.Services;

    public string Server { get; private set; } = "";

    /// <summary>An admin token of this silo: the API answers 401 without one.</summary>
    public string Token { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder();
        Server = $"http://127.0.0.1:{LoopbackPorts.Free()}";
        builder.WebHost.UseUrls(Server);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(LoopbackPorts.Free(), LoopbackPorts.Free());
            silo.AddMemoryGrainStorageAsDefault();
            SiloConfiguration.AddMemoryFanout(silo);
            silo.UseInMemoryReminderService();
            SiloConfiguration.ConfigureShared(silo);
            silo.AddSqliteFlowHistory(_flowHistoryDir);
        });
        builder.Services.AddMicroSegApi();
        _app = builder.Build();
        _app.MapMicroSegApi();
        await _app.StartAsync();
        Token = await ApiTokenIssuer.IssueAsync(_app.Services.GetRequiredService<IGrainFactory>(), "cli-tests", ApiRole.Admin, "test fixture", DateTimeOffset.UtcNow)
            ?? throw new InvalidOperationException("the silo issued no admin token");
    }

    /// <summary>A plain HTTP client of the API holding the admin token, to check what the CLI did.</summary>
    public HttpClient AdminClient() => new()
    {
        BaseAddress = new Uri(Server),
        DefaultRequestHeaders = { Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token) },
    };

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        Directory.Delete(_flowHistoryDir, recursive: true);
    }

}

[CollectionDefinition(Name)]
public sealed class SiloCollection : ICollectionFixture<SiloFixture>
{
    public const string Name = "silo";
}
