using MicroSeg.Testing.Sockets;
using MicroSeg.Benchmarks.Load;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MicroSeg.Api;
using MicroSeg.Silo.Hosting;
using MicroSeg.Silo.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans;

namespace MicroSeg.Benchmarks.Policy;

/// <summary>
/// Documents per second of a NetworkPolicy import through the REST API of a real in-process silo on SQLite
/// (the embedded mode: grain state and reminders in one file), loopback HTTP: first the one-by-one baseline
/// (PUT /api/v1/networkpolicies/{ns}/{name} per policy, into an empty store), then one POST of many documents.
/// Usage: networkpolicy-import [--documents 20000] [--baseline 300]
/// </summary>
internal static class NetworkPolicyImportCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var documents = int.Parse(Arg(args, "--documents", "20000"), CultureInfo.InvariantCulture);
        var baseline = int.Parse(Arg(args, "--baseline", "300"), CultureInfo.InvariantCulture);
        var data = Directory.CreateTempSubdirectory("microseg-import-");
        var httpPort = LoopbackPorts.Free();
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{httpPort}");
        // The default request body limit (30 MB) is below a 20k-document body.
        builder.WebHost.ConfigureKestrel(o => o.Limits.MaxRequestBodySize = null);
        builder.Logging.ClearProviders();
        builder.UseOrleans(silo =>
        {
            var database = Path.Combine(data.FullName, "microseg.db");
            silo.UseLocalhostClustering(LoopbackPorts.Free(), LoopbackPorts.Free());
            silo.AddSqliteGrainStorageAsDefault(o => o.DatabasePath = database);
            silo.UseSqliteReminderService(o => o.DatabasePath = database);
            SiloConfiguration.ConfigureShared(silo);
        });
        builder.Services.AddMicroSegApi();
        await using var app = builder.Build();
        app.MapMicroSegApi();
        await app.StartAsync();
        try
        {
            using var http = await BenchmarkApiClient.CreateAsync(app.Services.GetRequiredService<IGrainFactory>(), new Uri($"http://127.0.0.1:{httpPort}"), TimeSpan.FromMinutes(30));
            // Warm-up (JIT, first activations), unmeasured.
            await PostAsync(http, Documents("warmup", 0, 50));

            var one = Stopwatch.StartNew();
            for (var i = 0; i < baseline; i++)
            {
                var response = await http.PutAsync($"/api/v1/networkpolicies/one/np-{i}", Yaml(Documents("one", i, 1)));
                response.EnsureSuccessStatusCode();
            }
            one.Stop();

            var body = Documents("bulk", 0, documents);
            var bulk = Stopwatch.StartNew();
            await PostAsync(http, body);
            bulk.Stop();

            var perSecondOne = baseline / one.Elapsed.TotalSeconds;
            var perSecondBulk = documents / bulk.Elapsed.TotalSeconds;
            Console.WriteLine("| path | documents | seconds | documents/s |");
            Console.WriteLine("|---|---:|---:|---:|");
            Console.WriteLine($"| PUT one by one (baseline) | {baseline} | {one.Elapsed.TotalSeconds:F1} | {perSecondOne:F0} |");
            Console.WriteLine($"| POST one batch ({body.Length / 1e6:F1} MB YAML) | {documents} | {bulk.Elapsed.TotalSeconds:F1} | {perSecondBulk:F0} |");
            Console.WriteLine($"batch / one-by-one: {perSecondBulk / perSecondOne:F1}x");
            return 0;
        }
        finally
        {
            await app.StopAsync();
            data.Delete(recursive: true);
        }
    }

    private static async Task PostAsync(HttpClient http, string body)
    {
        var response = await http.PostAsync("/api/v1/networkpolicies", Yaml(body));
        if (response.StatusCode != HttpStatusCode.OK)
            throw new InvalidOperationException($"POST answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    private static StringContent Yaml(string body) => new(body, Encoding.UTF8, "application/yaml");

    /// <summary>NetworkPolicies np-first.. in <paramref name="ns"/>, each admitting one client app to one server app on its own port.</summary>
    private static string Documents(string ns, int first, int count)
    {
        var text = new StringBuilder();
        for (var i = first; i < first + count; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: np-{i}
                  namespace: {ns}
                spec:
                  podSelector:
                    matchLabels:
                      app: server-{i % 500}
                  ingress:
                  - from:
                    - podSelector:
                        matchLabels:
                          app: client-{i % 300}
                    ports:
                    - protocol: TCP
                      port: {1000 + i % 60000}
                ---

                """);
        }
        return text.ToString();
    }

    private static string Arg(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

}
