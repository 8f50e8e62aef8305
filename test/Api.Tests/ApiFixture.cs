using MicroSeg.Testing.Sockets;
using System.Net;
using System.Net.Sockets;
using MicroSeg.Silo.Flows;
using MicroSeg.Api.Security;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
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
            silo.UseLocalhostClustering(LoopbackPorts.Free(), LoopbackPorts.Free());
            silo.AddMemoryGrainStorageAsDefault();
            SiloConfiguration.AddMemoryFanout(silo);
            // Policy batches register a reminder (the production silo keeps them in SQLite or PostgreSQL).
            silo.UseInMemoryReminderService();
            SiloConfiguration.ConfigureShared(silo);
            silo.AddSqliteFlowHistory(_flowHistoryDir);
        });
        builder.Services.AddMicroSegApi();
        // OIDC as a real issuer would configure it, minus the discovery download: the issuer's key is given.
        builder.Services.Configure<ApiSecurityOptions>(o => o.OidcAuthority = OidcIssuer);
        builder.Services.Configure<JwtBearerOptions>(OidcAuthentication.JwtScheme, o =>
        {
            var configuration = new OpenIdConnectConfiguration { Issuer = OidcIssuer };
            configuration.SigningKeys.Add(OidcKey);
            o.Configuration = configuration;
        });
        _app = builder.Build();
        _app.MapMicroSegApi();
        await _app.StartAsync();
        Client = await ClientAsync(ApiRole.Admin);
    }

    /// <summary>The test OIDC issuer whose JWTs the API accepts.</summary>
    public const string OidcIssuer = "https://issuer.test";

    /// <summary>The test issuer's signing key.</summary>
    public static readonly SymmetricSecurityKey OidcKey = new(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    /// <summary>A client holding a JWT of <see cref="OidcIssuer"/> for <paramref name="subject"/> with these claims (e.g. roles).</summary>
    public HttpClient JwtClient(string subject, IDictionary<string, object> claims, SecurityKey? key = null)
    {
        var jwt = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = OidcIssuer,
            Claims = new Dictionary<string, object>(claims) { ["sub"] = subject },
            Expires = DateTime.UtcNow.AddMinutes(5),
            SigningCredentials = new SigningCredentials(key ?? OidcKey, SecurityAlgorithms.HmacSha256),
        });
        var client = _app!.GetTestClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", jwt);
        return client;
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
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_flowHistoryDir, recursive: true);
    }

}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiFixture>
{
    public const string Name = "api";
}
