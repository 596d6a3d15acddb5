namespace Book.Tests;

/// <summary>
/// A token a learner types is text in the book, never markup: in the code, in printed and returned
/// outputs, and in a chart's tick labels (see <see cref="LearnerTextNotebook"/>).
/// </summary>
[Collection(BookCollection.Name)]
public sealed class LearnerTextTests(BookFixture book)
{
    [BrowserFact]
    public async Task A_token_that_looks_like_a_script_is_shown_as_text_and_never_runs()
    {
        var run = book.LearnerText.RunOf(LearnerTextNotebook.FileName);
        Assert.True(run.Succeeded, run.FailureSummary);
        await using var browser = await book.NewPageAsync();
        var page = browser.Page;

        await browser.GotoAsync(new Uri(Path.Combine(book.LearnerTextBookFolder, LearnerTextNotebook.PageFileName)).AbsoluteUri);
        var drawn = await LessonPageTests.ChartsDrawnAsync(page);

        Assert.Empty(browser.Dialogs);
        Assert.Empty(browser.Errors);
        Assert.Empty(browser.RequestsOffTheMachine);
        Assert.True(drawn is [true], $"Expected one drawn chart, got [{string.Join(", ", drawn)}].");

        const string token = LearnerTextNotebook.Token;
        Assert.Contains(token, await page.Locator("main").InnerTextAsync());
        Assert.Contains(token, await page.Locator("section.markdown").First.InnerTextAsync());       // prose
        Assert.Contains(token, string.Concat(await page.Locator("pre.source").AllInnerTextsAsync())); // code
        Assert.Contains(token, await page.Locator("pre.output.stdout").InnerTextAsync());             // Console output
        Assert.Contains(token, string.Concat(await page.Locator("pre.output.text").AllInnerTextsAsync()));      // a returned string
        var framed = new List<string>();
        foreach (var frame in page.Frames.Where(f => f != page.MainFrame))
        {
            framed.Add(await frame.Locator("body").TextContentAsync() ?? "");
        }

        Assert.Contains(framed, text => text.Contains(token, StringComparison.Ordinal));               // the formatter's HTML table, in its frame
        var ticks = await page.Locator(".output.chart svg .xtick text, .output.chart svg .ytick text").AllTextContentsAsync();
        Assert.Equal(2, ticks.Count(t => t == token));                                                 // one tick on each axis

        var scripts = await page.Locator("script").AllTextContentsAsync();
        Assert.DoesNotContain(scripts, s => s.Trim() == "alert(1)" || s.Contains(token, StringComparison.Ordinal));
    }
}
