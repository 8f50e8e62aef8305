using System.Net;
using System.Security.Cryptography.X509Certificates;
using MicroSeg.Grains.Interfaces.Access;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;

namespace MicroSeg.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Orleans clients of a real silo's gateway over TLS with a cluster certificate, as an agent or an operator's grain
/// client connects (docs/grain-client.md); each call carries whatever credential the test gives. Stopped on dispose.
/// </summary>
internal sealed class GrainClients(int gatewayPort) : IAsyncDisposable
{
    private readonly List<IHost> _hosts = [];

    /// <summary>The certificate and key <c>microseg-silo certs issue</c> wrote to <paramref name="directory"/> for <paramref name="role"/>.</summary>
    public static X509Certificate2 Load(string directory, string role = "agent") =>
        X509Certificate2.CreateFromPemFile(Path.Combine(directory, role + ".crt"), Path.Combine(directory, role + ".key"));

    /// <summary>A client whose calls carry a credential signed now with <paramref name="certificate"/>.</summary>
    public Task<IGrainFactory> ConnectAsync(X509Certificate2 certificate) =>
        ConnectAsync(certificate, () => CallerCredential.Create(certificate, DateTimeOffset.UtcNow));

    /// <summary>An Orleans client over TLS with <paramref name="certificate"/> whose calls carry what <paramref name="credential"/> gives.</summary>
    public async Task<IGrainFactory> ConnectAsync(X509Certificate2 certificate, Func<string?> credential) =>
        await ConnectClientAsync(certificate, credential, _ => { });

    /// <summary>As <see cref="ConnectAsync(X509Certificate2, Func{string?})"/>, with <paramref name="configure"/> applied to the client last.</summary>
    public async Task<IClusterClient> ConnectClientAsync(X509Certificate2 certificate, Func<string?> credential, Action<IClientBuilder> configure)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = ("microseg", "microseg"));
            client.UseStaticClustering(new IPEndPoint(IPAddress.Loopback, gatewayPort));
            client.UseTls(certificate, o => o.AllowAnyRemoteCertificate());
            client.AddOutgoingGrainCallFilter(context =>
            {
                if (credential() is { } value)
                    RequestContext.Set(CallerCredential.RequestContextKey, value);
                return context.Invoke();
            });
            configure(client);
        });
        var host = builder.Build();
        _hosts.Add(host);
        await host.StartAsync();
        return host.Services.GetRequiredService<IClusterClient>();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            try
            {
                await host.StopAsync(TimeSpan.FromSeconds(10));
            }
            catch (Exception e) when (e is OperationCanceledException or Orleans.Runtime.OrleansException or TimeoutException)
            {
                // A client whose gateway closed its connection (revoked, idle) may not stop cleanly; it is disposed anyway.
            }
            host.Dispose();
        }
    }
}
