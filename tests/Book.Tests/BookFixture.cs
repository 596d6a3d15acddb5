using System.Diagnostics;

namespace Book.Tests;

/// <summary>
/// What every browser test shares, made once per test run: the book of every lesson under notebooks/
/// (the lessons' one shared in-process run, <see cref="SharedLessonRun"/>, which Notebooks.Tests uses too),
/// a second small book whose notebook uses markup as a token (<see cref="LearnerTextNotebook"/>), written
/// by CourseRunner in this process together with a notebook that probes the book's defences (<see cref="ProbeNotebook"/>),
/// a local listener that hostile outputs aim at, and one headless Chromium driven by Playwright.
/// A failing notebook does not stop the fixture (the book is written anyway; the tests report it), and
/// neither does a missing browser: the browser tests are then skipped (<see cref="Browser"/>), or in CI fail
/// with the reason.
/// </summary>
public sealed class BookFixture : IAsyncLifetime
{
    /// <summary>Generous: two shared cores, a cold Chromium and large pages.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private string? _browserError;
    private readonly Dictionary<(string Lesson, int Width), Task<BrowserPage>> _lessonPages = [];

    public string LessonBookFolder => Lessons.BookFolder;

    public string LearnerTextBookFolder { get; } = Path.Combine(Repository.TestBookFolder, "learner-text", "book");

    public CourseReport Lessons { get; private set; } = null!;

    /// <summary>
    /// The book of the two probe notebooks: <see cref="LearnerTextNotebook"/> and <see cref="ProbeNotebook"/>
    /// (whose hostile output aims at <see cref="Listener"/>).
    /// </summary>
    public CourseReport LearnerText { get; private set; } = null!;

    /// <summary>The address the probe notebook's hostile output tries to reach; nothing may arrive.</summary>
    public LocalListener Listener { get; } = new();

    /// <summary>The file:// address of a page of the probe book.</summary>
    public string ProbeUrl(string page) => new Uri(Path.Combine(LearnerTextBookFolder, page)).AbsoluteUri;

    /// <summary>How long getting the books and starting the browser took (in the test output).</summary>
    public string Timings { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var clock = Stopwatch.StartNew();
        if (Directory.Exists(Repository.TestBookFolder))
        {
            Directory.Delete(Repository.TestBookFolder, recursive: true);
        }

        Lessons = await SharedLessonRun.GetAsync();
        var lessons = clock.Elapsed;

        var notebooks = Path.Combine(Repository.TestBookFolder, "learner-text", "notebooks");
        var learnerTextNotebook = LearnerTextNotebook.Write(notebooks);
        var probeNotebook = ProbeNotebook.Write(notebooks, Listener.Prefix);
        LearnerText = await CourseRun.RunAsync([learnerTextNotebook, probeNotebook], LearnerTextBookFolder);
        var learnerText = clock.Elapsed - lessons;

        if (Browser.SkipReason is null)
        {
            await LaunchBrowserAsync();
        }

        Timings = $"lesson book {lessons.TotalSeconds:0.0} s ({SharedLessonRun.Provenance}), "
                  + $"learner-text book {learnerText.TotalSeconds:0.0} s, "
                  + $"browser {(clock.Elapsed - lessons - learnerText).TotalSeconds:0.0} s";
    }

    private async Task LaunchBrowserAsync() =>
        (_playwright, _browser, _browserError) = await HeadlessChromium.LaunchAsync(Timeout, "the book's browser tests");

    /// <summary>
    /// A fresh page (its own context, <paramref name="width"/>×900, scripts on unless <paramref name="javaScript"/>
    /// is false) that records console errors, page errors, requests and dialogs.
    /// </summary>
    public async Task<BrowserPage> NewPageAsync(int width = 1280, bool javaScript = true)
    {
        if (_browser is null)
        {
            Assert.Fail(_browserError ?? "The browser was not started.");
        }

        var context = await HeadlessChromium.NewContextAsync(_browser, width, 900, Timeout, javaScript);
        return new BrowserPage(context, await context.NewPageAsync());
    }

    /// <summary>
    /// The lesson's page opened once per test run in a window <paramref name="width"/> pixels wide, after its
    /// charts were drawn (or the wait for them ran out, which the chart tests report): every test that only
    /// reads a page shares this one, so a page and its charts are drawn once per width rather than once per
    /// test. Its <see cref="BrowserPage.Errors"/> and requests are everything since it was opened. A test that
    /// leaves the page or changes the window opens its own with <see cref="NewPageAsync"/>. All kept open, the
    /// pages take about 3.5 GB at the end of the run (measured as proportional set size).
    /// </summary>
    public Task<BrowserPage> LessonPageAsync(string lesson, int width = 1280)
    {
        lock (_lessonPages)
        {
            if (!_lessonPages.TryGetValue((lesson, width), out var page))
            {
                page = OpenLessonPageAsync(lesson, width);
                _lessonPages[(lesson, width)] = page;
            }

            return page;
        }
    }

    private async Task<BrowserPage> OpenLessonPageAsync(string lesson, int width)
    {
        var browser = await NewPageAsync(width);
        await browser.GotoAsync(LessonUrl(lesson + ".html"));
        await LessonPageTests.ChartsDrawnAsync(browser.Page);
        return browser;
    }

    /// <summary>The file:// address of a page of the lesson book.</summary>
    public string LessonUrl(string page) => new Uri(Path.Combine(LessonBookFolder, page)).AbsoluteUri;

    /// <summary>The lesson's run, by name ("02-padding-mask").</summary>
    public NotebookRun RunOf(string lesson) => Lessons.RunOf(lesson);

    public async Task DisposeAsync()
    {
        foreach (var page in _lessonPages.Values.Where(p => p.IsCompletedSuccessfully))
        {
            await page.Result.DisposeAsync();
        }

        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
        Listener.Dispose();
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BookCollection : ICollectionFixture<BookFixture>
{
    /// <summary>Every test of the book shares one fixture and runs one after another.</summary>
    public const string Name = "The book in a browser";
}
