using Xunit.Abstractions;

namespace Book.Tests;

/// <summary>Every lesson page of the book, opened from disk in headless Chromium.</summary>
[Collection(BookCollection.Name)]
public sealed class LessonPageTests(BookFixture book, ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(Lessons.Names), MemberType = typeof(Lessons))]
    public void Lesson_ran_to_the_end(string lesson)
    {
        output.WriteLine(book.Timings);
        var run = book.RunOf(lesson);
        Assert.True(run.Succeeded, run.FailureSummary);
    }

    [Theory]
    [MemberData(nameof(Lessons.Names), MemberType = typeof(Lessons))]
    public void Page_links_Try_it_live_to_the_playground_with_the_lessons_inputs(string lesson)
    {
        var html = File.ReadAllText(Path.Combine(book.LessonBookFolder, lesson + ".html"));
        var links = System.Text.RegularExpressions.Regex.Matches(html, "<a class=\"try-live\" href=\"([^\"]*)\"")
            .Select(m => System.Net.WebUtility.HtmlDecode(m.Groups[1].Value))
            .ToArray();
        var expected = PlaygroundLink.For(book.RunOf(lesson).Notebook);
        Assert.Equal([expected, expected], links); // in the header and in the footer
        Assert.StartsWith(PlaygroundLink.Folder + "?view=", expected);
        Assert.EndsWith("&lesson=" + Uri.EscapeDataString(lesson), expected);
    }

    [BrowserTheory]
    [MemberData(nameof(Lessons.Names), MemberType = typeof(Lessons))]
    public async Task Page_loads_with_no_error_and_no_request_off_the_machine(string lesson)
    {
        var browser = await book.LessonPageAsync(lesson);

        Assert.Empty(browser.Errors);
        Assert.Empty(browser.RequestsOffTheMachine);
        Assert.Contains(browser.Requests, url => url.EndsWith("/" + lesson + ".html", StringComparison.Ordinal));
    }

    [BrowserTheory]
    [MemberData(nameof(Lessons.Names), MemberType = typeof(Lessons))]
    public async Task Every_chart_is_drawn(string lesson)
    {
        var browser = await book.LessonPageAsync(lesson);

        var drawn = await ChartsDrawnAsync(browser.Page);

        var plots = book.RunOf(lesson).Cells.Any(c => c.Cell.Kind == CellKind.Code && c.Cell.Source.Contains("Plot.", StringComparison.Ordinal));
        var containers = drawn.Length;
        output.WriteLine($"{lesson}: {drawn.Count(d => d)} of {containers} charts drawn");
        Assert.True(!plots || containers > 0, $"{lesson} plots, but its page has no chart.");
        Assert.Equal(containers, await browser.Page.Locator("script").EvaluateAllAsync<int>(
            "scripts => scripts.filter(s => s.textContent.startsWith('bookChart(')).length"));
        var missing = drawn.Select((ok, i) => (ok, i)).Where(c => !c.ok).Select(c => c.i + 1).ToArray();
        Assert.True(missing.Length == 0, $"Charts not drawn (1-based, in page order): {string.Join(", ", missing)} of {containers}.");
    }

    [BrowserTheory]
    [MemberData(nameof(Lessons.Names), MemberType = typeof(Lessons))]
    public async Task Every_chart_is_seen_whole_in_a_1280_pixel_window(string lesson)
    {
        var browser = await book.LessonPageAsync(lesson);

        var cut = await browser.Page.EvaluateAsync<string[]>("""
            () => {
                const visible = document.documentElement.clientWidth;
                return [...document.querySelectorAll('.output.chart')]
                    .map((chart, i) => ({ chart, i, figure: chart.querySelector('svg.main-svg')?.getBoundingClientRect() }))
                    .filter(c => c.figure && (c.figure.left < 0 || c.figure.right > visible || c.chart.scrollWidth > c.chart.clientWidth))
                    .map(c => `chart ${c.i + 1} (${c.chart.querySelector('.gtitle')?.textContent ?? 'untitled'}): `
                              + `${Math.round(c.figure.left)}..${Math.round(c.figure.right)} px in a window ${visible} px wide`);
            }
            """);
        Assert.True(cut.Length == 0, "Charts a learner must scroll sideways to see:\n" + string.Join("\n", cut));
        Assert.True(await browser.Page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"),
            "The page scrolls sideways.");
    }

    [BrowserTheory]
    [MemberData(nameof(Lessons.Names), MemberType = typeof(Lessons))]
    public async Task Next_leads_to_the_next_lesson_and_previous_comes_back(string lesson)
    {
        var runs = book.Lessons.Runs;
        var k = runs.ToList().FindIndex(r => r.Notebook.Name == lesson);
        // Plain links: they lead without a script, so the pages are opened with scripts off (and no chart drawn).
        await using var browser = await book.NewPageAsync(javaScript: false);
        var page = browser.Page;
        await browser.GotoAsync(book.LessonUrl(lesson + ".html"));
        var next = page.Locator("header .lesson-nav a.next");
        var previous = page.Locator("header .lesson-nav a.previous");

        Assert.Equal(k > 0 ? 1 : 0, await previous.CountAsync());
        if (k + 1 == runs.Count)
        {
            Assert.Equal(0, await next.CountAsync());
            return;
        }

        var following = runs[k + 1].Notebook;
        Assert.Equal(LinkText(following) + " →", (await next.InnerTextAsync()).Trim());
        await next.ClickAsync();
        await page.WaitForURLAsync("**/" + BookWriter.PageFileName(following));
        Assert.StartsWith(LinkText(following) + " · ", await page.TitleAsync());

        await page.Locator("header .lesson-nav a.previous").ClickAsync();
        await page.WaitForURLAsync("**/" + lesson + ".html");
        Assert.StartsWith(LinkText(runs[k].Notebook) + " · ", await page.TitleAsync());
    }

    /// <summary>How the book names a lesson in links and titles: "02. The padding mask" (the number once).</summary>
    internal static string LinkText(NotebookFile notebook)
    {
        var summary = LessonSummary.Of(notebook);
        Assert.False(summary.Title.StartsWith(summary.Number, StringComparison.Ordinal),
            $"The title \"{summary.Title}\" repeats the lesson number {summary.Number}.");
        return $"{summary.Number}. {summary.Title}";
    }

    /// <summary>
    /// Waits (up to the fixture's timeout) until every chart container holds Plotly's svg.main-svg, then
    /// says for each container, in page order, whether it was drawn.
    /// </summary>
    internal static async Task<bool[]> ChartsDrawnAsync(IPage page)
    {
        const string drawn = "() => [...document.querySelectorAll('.output.chart')].map(c => c.querySelector('svg.main-svg') !== null)";
        try
        {
            await page.WaitForFunctionAsync($"() => ({drawn})().every(d => d)", null,
                new PageWaitForFunctionOptions { Timeout = (float)BookFixture.Timeout.TotalMilliseconds });
        }
        catch (TimeoutException)
        {
            // Reported by the caller, chart by chart.
        }

        return await page.EvaluateAsync<bool[]>(drawn);
    }
}
