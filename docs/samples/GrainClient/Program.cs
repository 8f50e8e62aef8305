// Labels a workload through its grain: grain-client <gateway ip:port> <workload id> <key>=<value> [<tls dir>]
// <tls dir> holds ca.crt, operator.crt and operator.key (microseg-silo certs issue --role operator); without it the
// client speaks plain text, which only a silo run with --no-tls accepts.
using System.Net;
using System.Security.Cryptography.X509Certificates;
using MicroSeg.Grains.Interfaces.Access;
using MicroSeg.Grains.Interfaces.Workloads;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

var gateway = IPEndPoint.Parse(args[0]);
var workloadId = args[1];
var (key, value) = (args[2].Split('=', 2)[0], args[2].Split('=', 2)[1]);

var builder = Host.CreateApplicationBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.UseOrleansClient(client =>
{
    // The ids every MicroSeg silo runs with; a client of another cluster is refused at the gateway.
    client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = ("microseg", "microseg"));
    client.UseStaticClustering(gateway);
    if (args.Length > 3)
    {
        var certificate = X509Certificate2.CreateFromPemFile(Path.Combine(args[3], "operator.crt"), Path.Combine(args[3], "operator.key"));
        var authority = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(args[3], "ca.crt"));
        // Mutual TLS: the gateway must show a silo certificate of our CA, and sees ours.
        client.UseTls(certificate, o => o.RemoteCertificateValidation = (peer, _, _) => ClusterCertificate.IsTrusted(peer, authority, ClusterCertificate.Silo));
        // Every call carries a credential signed with our key: an operator certificate may change workloads, policies and settings.
        client.AddOutgoingGrainCallFilter(context =>
        {
            RequestContext.Set(CallerCredential.RequestContextKey, CallerCredential.Create(certificate, DateTimeOffset.UtcNow));
            return context.Invoke();
        });
    }
});
using var host = builder.Build();
await host.StartAsync();

var workload = host.Services.GetRequiredService<IClusterClient>().GetGrain<IWorkloadGrain>(workloadId);
var current = await workload.GetAsync();
if (current is null)
{
    Console.Error.WriteLine($"workload '{workloadId}' does not exist");
    return 1;
}
// SetAsync replaces the whole spec: keep everything else and change one label.
var labels = new Dictionary<string, string>(current.Spec.Labels) { [key] = value };
var updated = await workload.SetAsync(current.Spec with { Labels = labels });
Console.WriteLine($"workload/{workloadId} labelled {key}={value} (identity {updated.Identity})");

await host.StopAsync();
return 0;
