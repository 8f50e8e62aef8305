using Microsoft.Playwright;

namespace MicroSeg.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Debian's Chromium (/usr/bin/chromium), headless, driven by Playwright: the browser a console user has. Playwright's
/// own browser downloads are never used. Each instance has a fresh profile; dispose closes it.
/// </summary>
internal sealed class ConsoleBrowser : IAsyncDisposable
{
    public const string Chromium = "/usr/bin/chromium";

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private ConsoleBrowser(IPlaywright playwright, IBrowser browser, IPage page)
    {
        _playwright = playwright;
        _browser = browser;
        Page = page;
    }

    public IPage Page { get; }

    public static async Task<ConsoleBrowser> LaunchAsync()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: run 'make deps'");
        var playwright = await Playwright.CreateAsync();
        try
        {
            // The machine has no route out: background networking would only produce refused connections.
            var browser = await playwright.Chromium.LaunchAsync(new()
            {
                ExecutablePath = Chromium,
                Headless = true,
                Args = ["--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
            });
            var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1600, Height = 1000 }, Locale = "en-US" });
            page.SetDefaultTimeout(30_000);
            // Flows reach the API every few seconds and the pages poll: assertions wait on the condition, not a clock.
            Assertions.SetDefaultExpectTimeout(30_000);
            return new ConsoleBrowser(playwright, browser, page);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.CloseAsync();
        _playwright.Dispose();
    }
}
