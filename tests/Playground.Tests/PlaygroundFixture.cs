using System.Diagnostics;

namespace Playground.Tests;

/// <summary>
/// What every playground test shares: the published playground (the build of this project publishes it)
/// with the book's plotly.js beside it, served with <see cref="SiteServer"/> on 127.0.0.1 as the README's
/// serve command does, and one headless Chromium driven by Playwright. No browser: the tests are skipped
/// (<see cref="Browser"/>), or in CI fail with the reason.
/// </summary>
public sealed class PlaygroundFixture : IAsyncLifetime
{
    /// <summary>Generous: two shared cores and a cold Chromium.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private string? _browserError;

    public SiteServer Server { get; private set; } = null!;

    /// <summary>The playground's address ("http://127.0.0.1:PORT/playground/").</summary>
    public string Address => Server.PlaygroundAddress;

    public static string Root { get; } = RepositoryLayout.FindRoot(AppContext.BaseDirectory)
                                         ?? throw new InvalidOperationException($"No {RepositoryLayout.SolutionFileName} above {AppContext.BaseDirectory}.");

    /// <summary>
    /// The static folder the build published (same configuration as these tests), or the one PLAYGROUND_STATIC_FOLDER
    /// names (e.g. artifacts/playground/wwwroot, the Release publish, to measure it).
    /// </summary>
    public static string StaticFolder
    {
        get
        {
            if (Environment.GetEnvironmentVariable("PLAYGROUND_STATIC_FOLDER") is { Length: > 0 } chosen)
            {
                return Path.GetFullPath(chosen, Root);
            }

#if DEBUG
            const string configuration = "Debug";
#else
            const string configuration = "Release";
#endif
            return Path.Combine(Root, "lib", "Playground", "bin", configuration, "net10.0", "publish", "wwwroot");
        }
    }

    public async Task InitializeAsync()
    {
        if (!File.Exists(Path.Combine(StaticFolder, "index.html")))
        {
            throw new InvalidOperationException($"No published playground at {StaticFolder}: building tests/Playground.Tests publishes it.");
        }

        PlaygroundSite.AddPlotly(StaticFolder);
        Server = new SiteServer(null, StaticFolder);
        if (Browser.SkipReason is null)
        {
            await LaunchBrowserAsync();
        }
    }

    private async Task LaunchBrowserAsync() =>
        (_playwright, _browser, _browserError) = await HeadlessChromium.LaunchAsync(Timeout, "the playground's browser tests");

    /// <summary>
    /// A fresh page (its own context, so a cold cache) that records console errors, page errors and every request;
    /// any request to anything but the local server is stopped before it leaves.
    /// </summary>
    public async Task<PlaygroundPage> NewPageAsync()
    {
        if (_browser is null)
        {
            Assert.Fail(_browserError ?? "The browser was not started.");
        }

        var context = await HeadlessChromium.NewContextAsync(_browser, 1400, 900, Timeout);
        var page = new PlaygroundPage(context, await context.NewPageAsync(), Server.Address);
        await context.RouteAsync("**/*", async route =>
        {
            if (route.Request.Url.StartsWith(Server.Address, StringComparison.Ordinal))
            {
                await route.ContinueAsync();
            }
            else
            {
                page.Blocked.Add(route.Request.Url);
                await route.AbortAsync();
            }
        });
        return page;
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
        Server?.Dispose();
    }
}

/// <summary>A page of the playground and what it did, and what was kept from leaving the machine.</summary>
public sealed class PlaygroundPage(IBrowserContext context, IPage page, string server) : BrowserPage(context, page, server)
{
    /// <summary>Requests to anything but the local server, stopped before they left.</summary>
    public List<string> Blocked { get; } = [];

    /// <summary>Opens an address of the playground and waits for its first charts; returns how long that took.</summary>
    public async Task<TimeSpan> OpenAsync(string url, int draws = 1)
    {
        var clock = Stopwatch.StartNew();
        await GotoAsync(url);
        await WaitForDrawsAsync(draws);
        return clock.Elapsed;
    }

    /// <summary>How many times playground.js has drawn.</summary>
    public async Task<int> DrawsAsync() =>
        int.TryParse(await Page.EvaluateAsync<string?>("() => document.body.dataset.draws ?? '0'"), out var n) ? n : 0;

    /// <summary>Waits until playground.js has drawn at least <paramref name="count"/> times.</summary>
    public Task WaitForDrawsAsync(int count) =>
        Page.WaitForFunctionAsync($"() => Number(document.body.dataset.draws || 0) >= {count}");

    /// <summary>The heatmap the page shows as the panel <paramref name="id"/> ("weights"), as playground.js received it.</summary>
    public async Task<HeatmapData> HeatmapAsync(string id) =>
        await Page.EvaluateAsync<HeatmapData>($"() => window.playground.heatmaps['{id}']");
}

/// <summary>A heatmap's data as the page holds it: kinds 0 finite, 1 −∞, 2 NaN, 3 +∞.</summary>
public sealed class HeatmapData
{
    public string Title { get; set; } = "";
    public string[] Rows { get; set; } = [];
    public string[] Cols { get; set; } = [];
    public double?[][] Cells { get; set; } = [];
    public int[][] Kinds { get; set; } = [];
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PlaygroundCollection : ICollectionFixture<PlaygroundFixture>
{
    /// <summary>Every playground test shares one fixture and runs one after another.</summary>
    public const string Name = "The playground in a browser";
}
