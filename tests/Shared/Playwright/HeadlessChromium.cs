using Microsoft.Playwright;

namespace CourseRunner.Testing;

/// <summary>
/// Starts the Chromium of <see cref="Browser"/> headless through Playwright, with no download (Debian's
/// /usr/bin/chromium, or one Playwright installed) and the Node driver the package copies to bin/. Shared by the
/// book's and the playground's browser tests.
/// </summary>
public static class HeadlessChromium
{
    private static readonly string[] Args =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run",
    ];

    /// <summary>The browser, or why there is none (<paramref name="what"/> names the tests that need it).</summary>
    public static async Task<(IPlaywright? Playwright, IBrowser? Browser, string? Error)> LaunchAsync(TimeSpan timeout, string what)
    {
        if (!Browser.Installed)
        {
            return (null, null, $"Chromium is not installed at {Browser.DebianChromium}; {what} need it. "
                                + "Install it with: apt-get install chromium   (as root; .ci/run does this on CI).");
        }

        IPlaywright? playwright = null;
        try
        {
            playwright = await Microsoft.Playwright.Playwright.CreateAsync();
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = Browser.ExecutablePath,
                Headless = true,
                Args = Args,
                Timeout = (float)timeout.TotalMilliseconds,
            });
            return (playwright, browser, null);
        }
        catch (Exception e) when (e is PlaywrightException or TimeoutException or InvalidOperationException)
        {
            playwright?.Dispose();
            return (null, null, $"Headless Chromium ({Browser.ExecutablePath ?? "Playwright's own"}) could not be started through Playwright: {e.Message}");
        }
    }

    /// <summary>A fresh context (its own cache and storage) of the given size, whose waits last <paramref name="timeout"/>.</summary>
    public static async Task<IBrowserContext> NewContextAsync(IBrowser browser, int width, int height, TimeSpan timeout, bool javaScript = true)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            JavaScriptEnabled = javaScript,
        });
        context.SetDefaultTimeout((float)timeout.TotalMilliseconds);
        context.SetDefaultNavigationTimeout((float)timeout.TotalMilliseconds);
        return context;
    }
}
