using System.Net;
using System.Net.Sockets;
using MicroSeg.Silo.Flows;
using MicroSeg.Silo.Hosting;
using Microsoft.Extensions.Hosting;
using Orleans.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Logging;

namespace MicroSeg.Api.Tests;

/// <summary>A real in-process Orleans silo (memory grain storage, the product's streams and membership settings) with the REST API on a test server.</summary>
public sealed class ApiFixture : IAsyncLifetime
{
    private WebApplication? _app;
    private readonly string _flowHistoryDir = Directory.CreateTempSubdirectory("microseg-api-flows-").FullName;

    public HttpClient Client { get; private set; } = null!;

    /// <summary>The silo's services (grain factory and the like) for tests that look behind the API.</summary>
    public IServiceProvider Services => _app!.Services;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(FreePort(), FreePort());
            silo.AddMemoryGrainStorageAsDefault();
            SiloConfiguration.AddMemoryFanout(silo);
            // Policy batches register a reminder (the production silo keeps them in SQLite or PostgreSQL).
            silo.UseInMemoryReminderService();
            SiloConfiguration.ConfigureShared(silo);
            silo.AddSqliteFlowHistory(_flowHistoryDir);
        });
        builder.Services.AddMicroSegApi();
        _app = builder.Build();
        _app.MapMicroSegApi();
        await _app.StartAsync();
        Client = _app.GetTestClient();
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_flowHistoryDir, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiFixture>
{
    public const string Name = "api";
}
