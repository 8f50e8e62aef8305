// Labels a workload through its grain: grain-client <gateway ip:port> <workload id> <key>=<value>
using System.Net;
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
