using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using MicroSeg.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace MicroSeg.EndToEnd.Tests.Security;

/// <summary>
/// The console page in real Chromium (Debian's /usr/bin/chromium, headless): the address the silo prints
/// (token in the fragment) signs it in and it shows the API's data; without a token it asks for one.
/// Real binaries; needs 'make build'.
/// </summary>
public sealed class ConsoleSignInTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";
    private LoneSilo _silo = null!;

    public async Task InitializeAsync() => _silo = await LoneSilo.StartAsync();

    [Fact]
    public async Task SignedInUrl_ShowsWorkloads_WithoutTokenAsksForOne()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: run 'make deps'");
        await _silo.Api.SendOkAsync(HttpMethod.Put, "/api/v1/workloads/console-web", new
        {
            node = "console-node", addresses = new[] { "198.18.82.1" }, labels = new Dictionary<string, string> { ["app"] = "console-web" },
        });

        var signedIn = await RenderAsync($"{_silo.Http.ToString().TrimEnd('/')}/workloads#token={_silo.Api.Token}");
        Assert.Contains("console-web", signedIn, StringComparison.Ordinal);
        Assert.DoesNotContain("The API needs a token", signedIn, StringComparison.Ordinal);

        var anonymous = await RenderAsync($"{_silo.Http.ToString().TrimEnd('/')}/workloads");
        Assert.DoesNotContain("console-web", anonymous, StringComparison.Ordinal);
        Assert.Contains("The API needs a token", anonymous, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConsoleRoutes_ServeThePageFromTheSilo_AssetsAreEmbedded_ApiAndDashboardAreNotShadowed()
    {
        using var anonymous = new HttpClient { BaseAddress = _silo.Http };
        string? script = null;
        foreach (var route in new[] { "/", "/flows", "/nodes", "/policies", "/topology", "/workloads", "/namespaces", "/cluster", "/why", "/flows/anything" })
        {
            using var page = await anonymous.GetAsync(route);
            var html = await page.Content.ReadAsStringAsync();
            Assert.True(page.StatusCode == HttpStatusCode.OK, $"{route} answered {(int)page.StatusCode}: {html}");
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
            Assert.Contains("script-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
            script = Regex.Match(html, "src=\"(/assets/[^\"]+\\.js)\"").Groups[1].Value;
            Assert.False(string.IsNullOrEmpty(script), $"{route}: no script in {html}");
        }
        using var bundle = await anonymous.GetAsync(script);
        Assert.Equal(HttpStatusCode.OK, bundle.StatusCode);
        Assert.Equal("text/javascript", bundle.Content.Headers.ContentType?.MediaType);
        Assert.Contains("immutable", bundle.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        // The bundle is self-contained: it names no other origin to load code or styles from.
        var code = await bundle.Content.ReadAsStringAsync();
        Assert.DoesNotMatch("import\\(\"https?://|<script src=\"https?://", code);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/assets/missing.js")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/flows")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _silo.Api.SendAsync(HttpMethod.Get, "/api/v1/no-such-thing")).StatusCode);
        using var dashboard = await _silo.Api.SendAsync(HttpMethod.Get, "/dashboard");
        Assert.Contains("<title>Orleans Dashboard</title>", await dashboard.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>The page's DOM once its scripts and fetches have run (Chromium's virtual time waits for them).</summary>
    private async Task<string> RenderAsync(string url)
    {
        var profile = Directory.CreateTempSubdirectory("microseg-chromium-").FullName;
        try
        {
            var info = new ProcessStartInfo(Chromium) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in new[] { "--headless", "--no-sandbox", "--disable-gpu", $"--user-data-dir={profile}", "--virtual-time-budget=10000", "--dump-dom", url })
                info.ArgumentList.Add(arg);
            using var chromium = Process.Start(info)!;
            var dom = chromium.StandardOutput.ReadToEndAsync();
            var errors = chromium.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await chromium.WaitForExitAsync(timeout.Token);
            output.WriteLine($"chromium exit {chromium.ExitCode}; stderr: {(await errors)[..Math.Min((await errors).Length, 500)]}");
            return await dom;
        }
        finally
        {
            Directory.Delete(profile, recursive: true);
        }
    }

    public async Task DisposeAsync() => await _silo.DisposeAsync();
}
