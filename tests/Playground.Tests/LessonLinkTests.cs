namespace Playground.Tests;

/// <summary>The book's "Try it live" links: each lesson's Try-it inputs in the playground's address, and the way back.</summary>
[Collection(PlaygroundCollection.Name)]
public sealed class LessonLinkTests(PlaygroundFixture fixture)
{
    public static TheoryData<string> Lessons() =>
        new(RepositoryLayout.Lessons(RepositoryLayout.NotebooksFolder(PlaygroundFixture.Root)).Select(Path.GetFileNameWithoutExtension)!);

    private static NotebookFile Lesson(string key) =>
        NotebookFile.Load(RepositoryLayout.Lessons(RepositoryLayout.NotebooksFolder(PlaygroundFixture.Root))
            .Single(path => PlaygroundLink.LessonKey(Path.GetFileNameWithoutExtension(path)) == key));

    [Fact]
    public void The_padding_lesson_opens_the_masks_page_with_its_Try_it_inputs()
    {
        var link = PlaygroundLink.For(Lesson("padding-mask"));
        Assert.StartsWith("playground/?view=masks&", link);
        Assert.Contains("&source=a%20b%20c&", link);
        Assert.Contains("&maxLength=5&", link);
        Assert.Contains("&pad=right&", link);
        Assert.Contains("&masks=padding&", link);
        Assert.EndsWith("&lesson=" + Lesson("padding-mask").Name, link);
    }

    [Fact]
    public void Parameters_given_to_the_course_win_over_the_Try_it_cell()
    {
        var lesson = Lesson("padding-mask").WithInjectedParameters("sentence = \"d e\"; maxLength = 7; padSide = PaddingSide.Left;");
        var link = PlaygroundLink.For(lesson);
        Assert.Contains("&source=d%20e&", link);
        Assert.Contains("&maxLength=7&", link);
        Assert.Contains("&pad=left&", link);
    }

    [Fact]
    public void Todays_masks_lesson_carries_its_window_documents_and_prefix()
    {
        var values = PlaygroundLink.TryItValues(Lesson("masks-of-todays-models"));
        Assert.Equal("3", values["window"]);
        Assert.Equal("3,2,4", values["documentLengths"]);
        Assert.Equal("left", values["padSide"]);
        var link = PlaygroundLink.For(Lesson("masks-of-todays-models"));
        Assert.StartsWith("playground/?view=today&", link);
        Assert.Contains("&documents=3%2C2%2C4&", link);
    }

    [BrowserTheory]
    [MemberData(nameof(Lessons))]
    public async Task Every_lesson_link_opens_the_playground_and_links_back(string lesson)
    {
        var notebook = NotebookFile.Load(Path.Combine(RepositoryLayout.NotebooksFolder(PlaygroundFixture.Root), lesson + ".ipynb"));
        var link = PlaygroundLink.For(notebook);
        await using var page = await fixture.NewPageAsync();
        await page.OpenAsync(fixture.Server.Address + link);
        Assert.Equal($"../{lesson}.html", await page.Page.GetAttributeAsync("#back-to-lesson", "href"));
        Assert.Equal(0, await page.Page.Locator("#input-error").CountAsync());
        var values = PlaygroundLink.TryItValues(notebook);
        if (link.Contains("view=masks", StringComparison.Ordinal) && values.TryGetValue("sentence", out var sentence) && link.Contains("source=", StringComparison.Ordinal))
        {
            Assert.Equal(sentence, await page.Page.InputValueAsync("#source"));
        }

        MasksPageTests.AssertClean(page);
    }
}
