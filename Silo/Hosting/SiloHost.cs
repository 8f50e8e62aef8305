using MicroSeg.Api;
using MicroSeg.Dashboard;
using MicroSeg.Grains;
using MicroSeg.Grains.Nodes;
using MicroSeg.Grains.Interfaces.Workloads;
using MicroSeg.Runtime.Hosting;

namespace MicroSeg.Silo.Hosting;

/// <summary>Composition root of a silo process.</summary>
internal static class SiloHost
{
    public static async Task<int> RunAsync(SiloOptions options, CancellationToken cancellationToken)
    {
        if (Validate(options) is { } error)
        {
            await Console.Error.WriteLineAsync($"microseg-silo: {error}");
            return 2;
        }

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls(options.Http);
        builder.Configuration["MicroSeg:SiloName"] = options.Name;
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        var dataDirectory = Path.GetFullPath(options.Data);
        builder.UseMicroSegSilo(silo =>
        {
            if (options.Postgres is { } postgres)
            {
                // Cluster member: membership, placement and grain state in PostgreSQL.
                silo.ConfigureEndpoints(o =>
                {
                    o.SiloPort = options.SiloPort;
                    o.GatewayPort = options.GatewayPort;
                });
                silo.UsePostgresClustering(o => o.ConnectionString = postgres);
                silo.AddPostgresGrainStorageAsDefault(o => o.ConnectionString = postgres);
                silo.AddPostgresStreams(PolicyStreams.Provider, o => o.ConnectionString = postgres);
            }
            else
            {
                // Embedded single silo: SQLite under --data.
                silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort);
                silo.AddSqliteGrainStorageAsDefault(o => o.DatabasePath = Path.Combine(dataDirectory, "microseg.db"));
                silo.AddSqliteStreams(PolicyStreams.Provider, o => o.DatabasePath = Path.Combine(dataDirectory, "streams.db"));
            }
            silo.AddGrains(GrainsAssembly.Value, typeof(IWorkloadGrain).Assembly);
        });
        builder.Services.AddMicroSegApi();

        var app = builder.Build();
        app.MapMicroSegApi();
        app.MapDashboard();
        await app.StartAsync(cancellationToken);
        app.Logger.LogInformation("MicroSeg silo {Name} ready: API and dashboard on {Http}, gateway port {Gateway}, {Storage}",
            options.Name, options.Http, options.GatewayPort, options.Postgres is null ? $"data in {dataDirectory}" : "cluster member on PostgreSQL");
        await app.WaitForShutdownAsync(cancellationToken);
        return 0;
    }

    private static string? Validate(SiloOptions options)
    {
        if (!Uri.TryCreate(options.Http, UriKind.Absolute, out var http) || http.Scheme is not ("http" or "https"))
            return $"--http '{options.Http}' is not an http:// or https:// URL.";
        if (options.SiloPort is < 1 or > 65535)
            return $"--silo-port {options.SiloPort} is out of range 1-65535.";
        if (options.GatewayPort is < 1 or > 65535)
            return $"--gateway-port {options.GatewayPort} is out of range 1-65535.";
        if (options.Postgres is { Length: 0 })
            return "--postgres needs a connection string, e.g. \"Host=127.0.0.1;Port=5432;Username=microseg;Password=...;Database=microseg\".";
        return null;
    }
}
