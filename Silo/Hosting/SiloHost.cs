using MicroSeg.Api;
using MicroSeg.Dashboard;
using MicroSeg.Grains.Nodes;
using MicroSeg.Api.Security;
using MicroSeg.Silo.Security;
using MicroSeg.Silo.Security.Certificates;
using MicroSeg.Silo.Security.Connections;
using MicroSeg.Silo.Storage;
using Orleans.Dashboard;
using MicroSeg.Hosting;

namespace MicroSeg.Silo.Hosting;

/// <summary>Composition root of a silo process: Orleans, the REST API and the dashboards on one web host.</summary>
internal static class SiloHost
{
    public static async Task<int> RunAsync(SiloCommandOptions options, CancellationToken cancellationToken)
    {
        if (Validate(options) is { } error)
        {
            await Console.Error.WriteLineAsync($"microseg-silo: {error}");
            return 2;
        }
        if (PortAvailability.FindTaken(options) is { } taken)
        {
            await Console.Error.WriteLineAsync($"microseg-silo: {taken}");
            return 1;
        }

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls(options.Http);
        // Kestrel's default (30 MB) would let one request hold that much before any handler sees it; a batch of
        // 10k NetworkPolicies is about 8 MB. Larger bodies answer 413.
        builder.WebHost.ConfigureKestrel(o => o.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        ConsoleLogFormat.Add(builder.Logging, options.LogFormat);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Orleans", LogLevel.Warning);
        // Orleans runs placement through a Polly pipeline that logs every call at Information.
        builder.Logging.AddFilter("Polly", LogLevel.Warning);

        ClusterIdentity identity;
        // Embedded: one silo is the whole cluster, so a random value per process is the shared secret.
        var proof = ClusterCallProof.CreateRandom();
        if (options.Postgres is { } postgres)
        {
            try
            {
                await Storage.PostgresSchema.ApplyAsync(postgres, LoggerFactory.Create(l => l.AddSimpleConsole()).CreateLogger("MicroSeg.Silo.Storage"), cancellationToken);
                identity = await ClusterIdentityStore.ReadPostgresAsync(postgres, cancellationToken);
                proof = await ClusterSecretStore.ReadPostgresAsync(postgres, cancellationToken);
            }
            catch (InvalidOperationException e)
            {
                // The message names the database, what failed and what to check; a stack trace adds nothing for
                // an operator. Non-zero, so a supervisor retries until the database is there.
                await Console.Error.WriteLineAsync($"microseg-silo: {e.Message}");
                return 1;
            }
        }
        else
        {
            identity = ClusterIdentityStore.ReadOrCreateSqlite(SiloConfiguration.DatabasePath(options));
        }

        SiloTls? tls;
        try
        {
            tls = options.NoTls ? null : SiloTls.Load(options, TimeProvider.System);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            await Console.Error.WriteLineAsync($"microseg-silo: TLS: {e.Message}");
            return 2;
        }
        if (tls is not null)
            builder.WebHost.ConfigureKestrel(o => o.ConfigureHttpsDefaults(https => https.ServerCertificateSelector = (_, _) => tls.Silo));

        // Before UseOrleans: the shared configuration only adds ClusterIdentity.Unknown when none is registered.
        builder.Services.AddSingleton(identity);
        builder.UseOrleans(silo =>
        {
            SiloConfiguration.Configure(silo, options);
            tls?.Configure(silo, proof);
            silo.AddPeerConnectionLimits(o => o.GatewayIdleTimeout = options.GatewayIdleTimeout);
            if (options.Kubernetes)
                silo.UseKubernetesHosting();
        });
        builder.Services.AddSingleton<Api.Diagnostics.IReadinessProbe>(new StorageReadinessProbe(options));
        builder.Services.AddMicroSegApi();
        ConfigureSecurity(builder.Services, options);

        var app = builder.Build();
        app.MapMicroSegApi();
        DashboardAccess.RequireAdminForData(app.MapOrleansDashboard(routePrefix: "/dashboard"));
        app.MapConsole();
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 0;
        }
        catch (Exception e) when (PortAvailability.IsAddressInUse(e))
        {
            // Taken between the check above and the bind: the message names the address.
            await Console.Error.WriteLineAsync($"microseg-silo: a port is already in use by another process: {e.Message}");
            return 1;
        }
        app.Logger.LogInformation("MicroSeg silo {Name} ready: API on {Http}, Orleans dashboard on {Http}/dashboard, gateway port {Gateway}, cluster identity {Identity}, {Storage}",
            options.Name, options.Http, options.Http, options.GatewayPort, identity,
            options.Postgres is null ? $"data in {Path.GetFullPath(options.Data)}" : "cluster member on PostgreSQL");
        await app.WaitForShutdownAsync(cancellationToken);
        // Stopping without being asked (the silo was declared dead, or a fatal error) must look like a
        // failure to a supervisor, so it restarts the process.
        return cancellationToken.IsCancellationRequested ? 0 : 1;
    }

    /// <summary>After UseOrleans: the bootstrap token is registered once the silo runs (hosted services start in order).</summary>
    private static void ConfigureSecurity(IServiceCollection services, SiloCommandOptions options)
    {
        services.AddSingleton(new AdminTokenFile(options.AdminTokenFile ?? Path.Combine(options.Data, AdminTokenFile.DefaultName), options.Http,
            replacesLostToken: options.Postgres is null));
        services.AddHostedService<AdminTokenBootstrap>();
        services.Configure<ApiSecurityOptions>(o =>
        {
            o.OpenMetrics = options.OpenMetrics;
            o.OidcAuthority = options.OidcAuthority;
            o.OidcAudience = options.OidcAudience;
            if (IsLoopback(new Uri(options.Http)))
            {
                foreach (var host in LoopbackHosts)
                    o.AllowedHosts.Add(host);
            }
        });
    }

    /// <summary>The names a loopback-bound API answers to: anything else in the Host header came through a rebound DNS name.</summary>
    private static readonly string[] LoopbackHosts = ["localhost", "127.0.0.1", "[::1]"];

    private static bool IsLoopback(Uri http) =>
        http.IsLoopback || (System.Net.IPAddress.TryParse(http.Host.Trim('[', ']'), out var address) && System.Net.IPAddress.IsLoopback(address));

    /// <summary>The largest request body the API reads: 16 MiB.</summary>
    internal const long MaxRequestBodyBytes = 16L << 20;

    private static string? Validate(SiloCommandOptions options)
    {
        if (!Uri.TryCreate(options.Http, UriKind.Absolute, out var http) || http.Scheme is not ("http" or "https"))
            return $"--http '{options.Http}' is not an http:// or https:// URL.";
        if (options.SiloPort is < 1 or > 65535)
            return $"--silo-port {options.SiloPort} is out of range 1-65535.";
        if (options.GatewayPort is < 1 or > 65535)
            return $"--gateway-port {options.GatewayPort} is out of range 1-65535.";
        if (options.Kubernetes && options.Postgres is null)
            return "--kubernetes needs cluster mode: give --postgres (or MICROSEG_POSTGRES).";
        if (options.Postgres is { Length: 0 })
            return "--postgres needs a connection string, e.g. \"Host=127.0.0.1;Port=5432;Username=microseg;Password=...;Database=microseg\".";
        if (options.OidcAuthority is { } oidc && (!Uri.TryCreate(oidc, UriKind.Absolute, out var issuer) || issuer.Scheme != "https"))
            return $"--oidc-authority '{oidc}' is not an https:// URL.";
        if (options.GatewayIdleTimeout < TimeSpan.FromSeconds(1))
            return $"--gateway-idle-timeout {options.GatewayIdleTimeout} is shorter than 1 second (e.g. 00:05:00).";
        if (!System.Net.IPAddress.TryParse(options.Advertise, out _))
            return $"--advertise '{options.Advertise}' is not an IP address.";
        return null;
    }
}
