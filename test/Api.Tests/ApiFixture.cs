using System.Net;
using System.Net.Sockets;
using MicroSeg.Api.Security;
using MicroSeg.Grains.Interfaces.Access;
using MicroSeg.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
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
        });
        builder.Services.AddMicroSegApi();
        _app = builder.Build();
        _app.MapMicroSegApi();
        await _app.StartAsync();
        Client = await ClientAsync(ApiRole.Admin);
    }

    /// <summary>A client that sends no credentials.</summary>
    public HttpClient Anonymous() => _app!.GetTestClient();

    /// <summary>A client holding a new token of <paramref name="role"/> (every test fixture client is an admin's).</summary>
    public async Task<HttpClient> ClientAsync(ApiRole role)
    {
        var app = _app!;
        var client = app.GetTestClient();
        var secret = await ApiTokenIssuer.IssueAsync(app.Services.GetRequiredService<IGrainFactory>(), $"test-{role.ToString().ToLowerInvariant()}-{Guid.NewGuid():N}",
            role, "test fixture", DateTimeOffset.UtcNow);
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", secret);
        return client;
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
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
