using MicroSeg.Testing.Sockets;
using System.Net;
using MicroSeg.Api;
using MicroSeg.Benchmarks.Load;
using MicroSeg.Silo.Hosting;
using MicroSeg.Silo.Security.Certificates;
using MicroSeg.Silo.Security.Connections;
using MicroSeg.Grains.Interfaces.Access;
using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;

namespace MicroSeg.Benchmarks.Calls;

/// <summary>Real Orleans silos and a client in this process, on loopback TCP with localhost clustering.</summary>
internal sealed class BenchSilos : IAsyncDisposable
{
    private readonly List<IHost> _silos = [];
    private readonly List<IHost> _clients = [];
    private string? _tlsDirectory;
    private X509Certificate2? _operator;

    /// <summary>Starts silos in this process; the first is the primary the others join.</summary>
    /// <param name="count">How many silos.</param>
    /// <param name="microSeg">
    /// Also give each silo what the product's silos add to every grain call: the shared configuration (streams,
    /// membership timing, the Orleans dashboard and its call filter) and the API's grain-call statistics filter.
    /// </param>
    /// <param name="tls">
    /// Secure the Orleans links as the product's silo does (<see cref="SiloTls"/>: mutual TLS with certificates of a
    /// cluster CA made in a temporary directory, the caller-credential filter, revocation and idle checks); clients
    /// from <see cref="ConnectClientAsync"/> then present an operator certificate and sign their calls.
    /// </param>
    /// <param name="clusterProof">
    /// Only the outgoing half of the cluster proof (<see cref="ClusterCallProofFilter"/>) on otherwise unsecured silos:
    /// what every call a silo makes to a grain pays for it (Orleans' filtered call path, the secret in the request context).
    /// </param>
    public static async Task<BenchSilos> StartAsync(int count, bool microSeg, bool tls = false, bool clusterProof = false)
    {
        var silos = new BenchSilos();
        SiloTls? siloTls = null;
        // The silos of one cluster share one proof, as cluster-mode silos read it from their database.
        var proof = ClusterCallProof.CreateRandom();
        if (tls)
        {
            silos._tlsDirectory = Directory.CreateTempSubdirectory("microseg-bench-tls-").FullName;
            siloTls = SiloTls.Load(new SiloCommandOptions { Data = silos._tlsDirectory, TlsDirectory = silos._tlsDirectory, Name = "bench", LocalNode = "bench" }, TimeProvider.System);
            var authority = ClusterAuthority.OpenOrCreate(silos._tlsDirectory, TimeProvider.System);
            silos._operator = authority.Issue(ClusterCertificate.Operator, "bench", [], [], TimeProvider.System);
        }
        var primaryPort = LoopbackPorts.Free();
        for (var i = 0; i < count; i++)
        {
            var siloPort = i == 0 ? primaryPort : LoopbackPorts.Free();
            var gatewayPort = LoopbackPorts.Free();
            var builder = Host.CreateApplicationBuilder();
            builder.Logging.ClearProviders();
            builder.UseOrleans(silo =>
            {
                silo.UseLocalhostClustering(siloPort, gatewayPort, new IPEndPoint(IPAddress.Loopback, primaryPort));
                silo.Configure<ClusterOptions>(o => o.ClusterId = o.ServiceId = "microseg-bench");
                if (microSeg)
                    SiloConfiguration.ConfigureShared(silo);
                if (clusterProof && siloTls is null)
                {
                    silo.Services.AddSingleton(proof);
                    silo.AddOutgoingGrainCallFilter<ClusterCallProofFilter>();
                }
                if (siloTls is not null)
                {
                    siloTls.Configure(silo, proof);
                    silo.AddPeerConnectionLimits(_ => { });
                }
            });
            if (microSeg)
                builder.Services.AddMicroSegApi();
            var host = builder.Build();
            await host.StartAsync();
            silos._silos.Add(host);
            silos.GatewayPorts.Add(gatewayPort);
        }
        return silos;
    }

    public List<int> GatewayPorts { get; } = [];

    /// <summary>The grain factory of silo <paramref name="index"/>: calls made through it leave from that silo.</summary>
    public IGrainFactory Grains(int index) => _silos[index].Services.GetRequiredService<IGrainFactory>();

    public string Address(int index) => _silos[index].Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToString();

    /// <summary>A cluster client outside the silos, connected to the gateway of silo <paramref name="index"/> only.</summary>
    public async Task<IGrainFactory> ConnectClientAsync(int index)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(c =>
        {
            c.Configure<ClusterOptions>(o => o.ClusterId = o.ServiceId = "microseg-bench");
            c.UseStaticClustering(new IPEndPoint(IPAddress.Loopback, GatewayPorts[index]));
            if (_operator is { } certificate)
            {
                c.UseTls(certificate, o => o.AllowAnyRemoteCertificate());
                // As the agent does: one credential re-signed every minute, not a signature per call.
                var signed = (Value: CallerCredential.Create(certificate, DateTimeOffset.UtcNow), At: DateTimeOffset.UtcNow);
                c.AddOutgoingGrainCallFilter(context =>
                {
                    if (DateTimeOffset.UtcNow - signed.At > TimeSpan.FromMinutes(1))
                        signed = (CallerCredential.Create(certificate, DateTimeOffset.UtcNow), DateTimeOffset.UtcNow);
                    RequestContext.Set(CallerCredential.RequestContextKey, signed.Value);
                    return context.Invoke();
                });
            }
        });
        var host = builder.Build();
        await host.StartAsync();
        _clients.Add(host);
        return host.Services.GetRequiredService<IClusterClient>();
    }

    public async ValueTask DisposeAsync()
    {
        // Clients first, then the silos that joined, the primary last.
        foreach (var host in _clients.Concat(Enumerable.Reverse(_silos)))
        {
            await host.StopAsync();
            host.Dispose();
        }
        _operator?.Dispose();
        if (_tlsDirectory is not null)
            Directory.Delete(_tlsDirectory, recursive: true);
    }
}
