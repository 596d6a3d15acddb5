namespace Book.Tests;

/// <summary>
/// "Nothing leaves this machine": an output that tries to send a request, submit a form or take the page
/// somewhere else reaches nothing (a local listener stands where it aims), and a notebook's file name is
/// a relative link, never a script.
/// </summary>
[Collection(BookCollection.Name)]
public sealed class BookSecurityTests(BookFixture book)
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(1.5);

    [Fact]
    public async Task The_listener_hears_a_request_that_is_really_sent()
    {
        // The listener works, so the tests below that find it silent mean something.
        using var client = new HttpClient();
        var before = book.Listener.Received.Count;
        (await client.GetAsync(book.Listener.Prefix + "control")).EnsureSuccessStatusCode();
        Assert.Equal(before + 1, book.Listener.Received.Count);
        Assert.True(book.Listener.Received.TryDequeue(out _));
    }

    [BrowserFact]
    public async Task A_hostile_html_output_sends_nothing_and_cannot_take_the_page_away()
    {
        var run = book.LearnerText.RunOf(ProbeNotebook.FileName);
        Assert.True(run.Succeeded, run.FailureSummary);
        book.Listener.Received.Clear();
        await using var browser = await book.NewPageAsync();
        var page = browser.Page;
        var url = book.ProbeUrl(ProbeNotebook.PageFileName);
        await browser.GotoAsync(url);

        var frame = page.Locator("section.cell.code").Filter(new LocatorFilterOptions { HasText = "display(HTML(" })
            .Locator("iframe.output-frame").ContentFrame;
        Assert.Equal("probe output", await frame.Locator("#probe-text").InnerTextAsync());
        var clickable = new LocatorClickOptions { Timeout = 5_000 };
        foreach (var id in new[] { "#probe-submit", "#probe-link", "#probe-top", "#probe-relative" })
        {
            await frame.Locator(id).ClickAsync(clickable);
        }

        await Task.Delay(Settle);
        Assert.Empty(book.Listener.Received);
        Assert.Empty(browser.Dialogs);
        Assert.Equal(url, page.Url);
        // The browser may announce a request it then blocks (the policy stops it before it is sent): none may get through.
        Assert.All(browser.RequestsOffTheMachine, request => Assert.Contains(request, browser.Failed));
        // The frame still shows the output: its own links did not navigate it away either.
        Assert.Equal("probe output", await frame.Locator("#probe-text").InnerTextAsync());
    }

    [BrowserFact]
    public async Task The_page_policy_forbids_form_submission_and_base_elements()
    {
        book.Listener.Received.Clear();
        await using var browser = await book.NewPageAsync();
        var page = browser.Page;
        var url = book.ProbeUrl(ProbeNotebook.PageFileName);
        await browser.GotoAsync(url);

        var policy = await page.Locator("meta[http-equiv='Content-Security-Policy']").GetAttributeAsync("content");
        Assert.Contains("form-action 'none'", policy);
        Assert.Contains("base-uri 'none'", policy);

        // As if markup on the page itself tried: a <base> is ignored, and a form is not sent.
        var resolved = await page.EvaluateAsync<string>($$"""
            () => {
                const base = document.createElement('base');
                base.href = '{{book.Listener.Prefix}}base/';
                document.head.prepend(base);
                const a = document.createElement('a');
                a.href = 'relative';
                return a.href;
            }
            """);
        Assert.DoesNotContain(book.Listener.Prefix, resolved);
        await page.EvaluateAsync($$"""
            () => {
                const form = document.createElement('form');
                form.action = '{{book.Listener.Prefix}}page-form';
                document.body.append(form);
                form.submit();
            }
            """);
        await Task.Delay(Settle);
        Assert.Empty(book.Listener.Received);
        Assert.Equal(url, page.Url);
    }

    [BrowserFact]
    public async Task A_notebook_named_like_a_script_is_linked_as_a_file()
    {
        await using var browser = await book.NewPageAsync();
        var page = browser.Page;
        await browser.GotoAsync(book.ProbeUrl("index.html"));

        var hrefs = await page.Locator("a[href]").EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))");
        Assert.DoesNotContain(hrefs, h => h.TrimStart().StartsWith("javascript:", StringComparison.OrdinalIgnoreCase));
        Assert.Contains("javascript%3Aalert%281%29.html", hrefs);

        await page.Locator("table.lessons a[href='javascript%3Aalert%281%29.html']").ClickAsync();
        await page.WaitForURLAsync("**/javascript%3Aalert%281%29.html");
        Assert.Empty(browser.Dialogs);
        var pageHrefs = await page.Locator("a[href]").EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))");
        Assert.DoesNotContain(pageHrefs, h => h.TrimStart().StartsWith("javascript:", StringComparison.OrdinalIgnoreCase));
    }
}
