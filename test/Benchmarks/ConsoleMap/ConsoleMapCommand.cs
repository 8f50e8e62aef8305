using System.Diagnostics;
using System.Text.Json;
using MicroSeg.Dashboard;
using MicroSeg.Testing.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;

namespace MicroSeg.Benchmarks.ConsoleMap;

/// <summary>
/// "console-map [--workloads N] [--edges M] [--runs R]": how long the console's /topology map takes to render N
/// workloads and M edges in headless Debian Chromium, and how long pan, zoom and select frames take once it is up.
/// The console is the real build, served by the silo's own endpoints (MapConsole); the topology answer is a
/// generated graph in the API's shape (answered by the browser's request routing), because the point is the
/// browser's cost, not the flow pipeline's.
/// </summary>
internal static class ConsoleMapCommand
{
    private const string Chromium = "/usr/bin/chromium";

    public static async Task<int> RunAsync(string[] args)
    {
        var workloads = Option(args, "--workloads", 1000);
        var edgeCount = Option(args, "--edges", 5000);
        var runs = Option(args, "--runs", 3);
        var topology = JsonSerializer.Serialize(Graph(workloads, edgeCount), new JsonSerializerOptions(JsonSerializerDefaults.Web));

        var url = $"http://127.0.0.1:{LoopbackPorts.Free()}";
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls(url);
        builder.Logging.ClearProviders();
        await using var app = builder.Build();
        app.MapConsole();
        await app.StartAsync();

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Chromium, Headless = true,
            Args = ["--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        Console.WriteLine($"## Console map: {workloads} workloads, {edgeCount} edges (headless Chromium {browser.Version}, {Environment.ProcessorCount} cores)");
        Console.WriteLine();
        Console.WriteLine("| run | page load → map drawn (ms) | layout + first draw (ms) | zoom frame mean / max (ms) | pan frame mean / max (ms) | select (ms) |");
        Console.WriteLine("|---|---|---|---|---|---|");
        for (var run = 1; run <= runs; run++)
        {
            var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1600, Height = 1000 } });
            await page.RouteAsync("**/api/v1/**", route => route.Request.Url.Contains("/api/v1/topology", StringComparison.Ordinal)
                ? route.FulfillAsync(new() { Status = 200, ContentType = "application/json", Body = topology })
                : route.FulfillAsync(new() { Status = 204 }));
            var clock = Stopwatch.StartNew();
            await page.GotoAsync($"{url}/topology#token=mst_benchmark");
            await page.WaitForFunctionAsync($"() => document.querySelector('[data-testid=topology]')?.cy?.nodes().length === {workloads}",
                null, new() { Timeout = 300_000, PollingInterval = 20 });
            // The layout ran synchronously in the constructor; the next frame is the first one drawn.
            await page.EvaluateAsync("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))");
            var loaded = clock.Elapsed.TotalMilliseconds;
            var drawn = await page.EvaluateAsync<double>("() => performance.now()");
            var frames = await page.EvaluateAsync<JsonElement>(Interaction);
            Console.WriteLine($"| {run} | {loaded:F0} | {drawn - await FirstScriptAsync(page):F0} | {frames.GetProperty("zoomMean").GetDouble():F1} / {frames.GetProperty("zoomMax").GetDouble():F1} | " +
                $"{frames.GetProperty("panMean").GetDouble():F1} / {frames.GetProperty("panMax").GetDouble():F1} | {frames.GetProperty("select").GetDouble():F1} |");
            await page.CloseAsync();
        }
        Console.WriteLine();
        Console.WriteLine($"command: dotnet run -c Release --project test/Benchmarks -- console-map --workloads {workloads} --edges {edgeCount} --runs {runs}");
        await app.StopAsync();
        return 0;
    }

    /// <summary>When the bundle began to run: the end of its script's fetch.</summary>
    private static Task<double> FirstScriptAsync(IPage page) =>
        page.EvaluateAsync<double>("() => performance.getEntriesByType('resource').find(e => e.name.includes('/assets/') && e.name.endsWith('.js'))?.responseEnd ?? 0");

    // 20 zoom steps and 20 pan steps, each waiting for the frame it causes; then one selection.
    private const string Interaction = """
        async () => {
          const cy = document.querySelector('[data-testid=topology]').cy;
          const frame = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
          const time = async step => { const t0 = performance.now(); step(); await frame(); return performance.now() - t0; };
          const zoom = [], pan = [];
          for (let i = 0; i < 20; i++) zoom.push(await time(() => cy.zoom({ level: cy.zoom() * (i % 2 ? 0.8 : 1.25), renderedPosition: { x: 600, y: 400 } })));
          for (let i = 0; i < 20; i++) pan.push(await time(() => cy.panBy({ x: i % 2 ? -40 : 40, y: 25 })));
          const node = cy.nodes()[Math.floor(cy.nodes().length / 2)];
          const select = await time(() => node.emit('tap'));
          const mean = a => a.reduce((x, y) => x + y, 0) / a.length;
          return { zoomMean: mean(zoom), zoomMax: Math.max(...zoom), panMean: mean(pan), panMax: Math.max(...pan), select };
        }
        """;

    /// <summary>N workloads in 20 namespaces; M distinct edges, roughly one in ten denied and one in twenty would-deny.</summary>
    private static object Graph(int workloads, int edges)
    {
        var random = new Random(13);
        var nodes = Enumerable.Range(0, workloads).Select(i => new { id = $"w{i}", level = "workload", labels = new Dictionary<string, string> { ["app"] = $"app{i % 50}" } }).ToList();
        var seen = new HashSet<(int, int)>();
        var list = new List<object>(edges);
        while (list.Count < edges)
        {
            var (s, d) = (random.Next(workloads), random.Next(workloads));
            if (s == d || !seen.Add((s, d)))
                continue;
            var kind = random.Next(20);
            list.Add(new
            {
                src = $"w{s}", dst = $"w{d}", ports = new[] { $"TCP/{80 + random.Next(5)}" },
                verdicts = new Dictionary<string, long> { ["allow"] = kind >= 3 ? 10 : 0, ["deny"] = kind is 0 or 1 ? 5 : 0, ["would-deny"] = kind == 2 ? 3 : 0 },
                policies = new[] { $"p{random.Next(100)}" }, lastSeen = DateTimeOffset.UtcNow,
            });
        }
        return new { nodes, edges = list };
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
    }
}
