namespace Book.Tests;

/// <summary>
/// Pictures of the book for the README: a lesson cell with its chart, as a learner sees it at 1280×900.
/// Written to artifacts/screenshots/. To refresh the committed copies in docs/screenshots/, run
/// <c>dotnet test tests/Book.Tests</c> and copy artifacts/screenshots/*.png there.
/// </summary>
[Collection(BookCollection.Name)]
public sealed class ScreenshotTests(BookFixture book)
{
    /// <summary>Each picture: the lesson, and text from the code of the cell whose chart it shows.</summary>
    public static TheoryData<string, string> Pictures => new()
    {
        { "02-padding-mask", "Plot.Side(\"The padding mask at work\"" },
        { "03-causal-and-combined-masks", "Plot.Side(\"causal + padding = combined\"" },
    };

    [BrowserTheory]
    [MemberData(nameof(Pictures))]
    public async Task Screenshot_of_a_lesson_chart(string lesson, string code)
    {
        var browser = await book.LessonPageAsync(lesson);
        var page = browser.Page;
        var drawn = await LessonPageTests.ChartsDrawnAsync(page);
        Assert.All(drawn, Assert.True);

        var cell = page.Locator("section.cell.code").Filter(new LocatorFilterOptions { HasText = code });
        Assert.Equal(1, await cell.CountAsync());
        Assert.Equal(1, await cell.Locator("svg.main-svg").First.CountAsync());
        await cell.ScrollIntoViewIfNeededAsync();

        // The cell's code and its chart, which may be wider than the text column: the union of both boxes.
        var region = await cell.EvaluateAsync<double[]>("""
            cell => {
                const boxes = [cell, ...cell.querySelectorAll('.output.chart > div')].map(e => e.getBoundingClientRect());
                const left = Math.min(...boxes.map(b => b.left)), right = Math.max(...boxes.map(b => b.right));
                const top = Math.min(...boxes.map(b => b.top)), bottom = Math.max(...boxes.map(b => b.bottom));
                return [left + window.scrollX, top + window.scrollY, right - left, bottom - top];
            }
            """);
        Directory.CreateDirectory(Repository.ScreenshotsFolder);
        var path = Path.Combine(Repository.ScreenshotsFolder, lesson + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions
        {
            Path = path,
            Type = ScreenshotType.Png,
            FullPage = true,
            Animations = ScreenshotAnimations.Disabled,
            Clip = new Clip { X = (float)region[0], Y = (float)region[1], Width = (float)region[2], Height = (float)region[3] },
        });
        Assert.True(new FileInfo(path).Length > 10_000, $"{path} is suspiciously small.");
    }
}
