using Microsoft.Playwright;
using Xunit;

namespace CourseRunner.Testing;

/// <summary>
/// A page and what it did: console errors, uncaught errors, every request, every dialog. What counts as staying on
/// the machine is the addresses starting with one of the local prefixes (the book: its files; the playground: its
/// server), plus inline about:, data: and blob: addresses.
/// </summary>
public class BrowserPage : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly string[] _local;

    /// <param name="localPrefixes">The addresses of this machine the page may ask for; default: local files.</param>
    public BrowserPage(IBrowserContext context, IPage page, params string[] localPrefixes)
    {
        _context = context;
        _local = [.. (localPrefixes.Length == 0 ? ["file://"] : localPrefixes), "about:", "data:", "blob:"];
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                Errors.Add($"console error: {message.Text} ({message.Location})");
            }
        };
        page.PageError += (_, error) => Errors.Add($"page error: {error}");
        page.Request += (_, request) => Requests.Add(request.Url);
        page.RequestFailed += (_, request) => Failed.Add(request.Url);
        page.Dialog += async (_, dialog) =>
        {
            Dialogs.Add($"{dialog.Type}: {dialog.Message}");
            await dialog.DismissAsync();
        };
    }

    public IPage Page { get; }

    public List<string> Errors { get; } = [];

    public List<string> Requests { get; } = [];

    public List<string> Dialogs { get; } = [];

    /// <summary>Requests that never got an answer: blocked by the page's policy, or failed.</summary>
    public List<string> Failed { get; } = [];

    /// <summary>Requests to anything but the local addresses.</summary>
    public IEnumerable<string> RequestsOffTheMachine =>
        Requests.Where(url => !_local.Any(prefix => url.StartsWith(prefix, StringComparison.Ordinal)));

    public async Task GotoAsync(string url)
    {
        var response = await Page.GotoAsync(url, new PageGotoOptions { WaitUntil = WaitUntilState.Load });
        Assert.True(response is null || response.Ok, $"{url} did not load: {response?.Status}");
    }

    public async ValueTask DisposeAsync() => await _context.CloseAsync();
}
