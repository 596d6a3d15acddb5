namespace Book.Tests;

/// <summary>The book's index page, opened from disk in headless Chromium.</summary>
[Collection(BookCollection.Name)]
public sealed class IndexTests(BookFixture book)
{
    [BrowserFact]
    public async Task Index_links_every_lesson_and_its_links_open_them()
    {
        await using var browser = await book.NewPageAsync();
        var page = browser.Page;
        await browser.GotoAsync(book.LessonUrl("index.html"));

        var links = await page.Locator("table.lessons td.title a").EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))");
        Assert.Equal(book.Lessons.Runs.Select(r => BookWriter.PageFileName(r.Notebook)), links);

        var last = book.Lessons.Runs[^1].Notebook;
        await page.Locator("table.lessons td.title a").Last.ClickAsync();
        await page.WaitForURLAsync("**/" + BookWriter.PageFileName(last));
        Assert.StartsWith(LessonPageTests.LinkText(last) + " · ", await page.TitleAsync());
        Assert.Empty(browser.Errors);
        Assert.Empty(browser.RequestsOffTheMachine);
    }

    [BrowserFact]
    public async Task Index_names_each_lesson_once_with_its_number_beside_it()
    {
        await using var browser = await book.NewPageAsync();
        await browser.GotoAsync(book.LessonUrl("index.html"));

        var rows = await browser.Page.Locator("table.lessons tbody tr").EvaluateAllAsync<string[][]>(
            "rows => rows.map(r => [r.querySelector('td.number').innerText, r.querySelector('td.title').innerText])");
        Assert.Equal(book.Lessons.Runs.Count, rows.Length);
        foreach (var (row, run) in rows.Zip(book.Lessons.Runs))
        {
            var summary = LessonSummary.Of(run.Notebook);
            Assert.Equal(summary.Number, row[0]);
            Assert.Equal(summary.Title, row[1]);
            Assert.DoesNotMatch(@"^\d+\s*[·.:]", row[1]);
        }
    }
}
