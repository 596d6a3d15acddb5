using System.Security.Cryptography;

namespace Notebooks.Tests;

/// <summary>
/// One CourseRunner run shared by the runner's tests: the fixtures 01-broken, 02-escaping, 03-chart and
/// 04-try-it from TestData, copied to a temp folder, run by CourseRun (in its notebook worker process), book
/// written to another temp folder.
/// </summary>
public sealed class CourseRunFixture : IAsyncLifetime
{
    public static readonly string[] Fixtures = ["01-broken.ipynb", "02-escaping.ipynb", "03-chart.ipynb", "04-try-it.ipynb"];

    public string NotebooksFolder { get; } = Repository.NewTempFolder("notebooks");

    public string BookFolder { get; private set; } = "";

    public CourseReport Report { get; private set; } = null!;

    public string Progress { get; private set; } = "";

    /// <summary>SHA-256 of each source notebook before the run.</summary>
    public IReadOnlyDictionary<string, string> HashesBefore { get; private set; } = new Dictionary<string, string>();

    public string PathOf(string fixture) => Path.Combine(NotebooksFolder, fixture);

    public NotebookRun RunOf(string fixture) => Report.Runs.Single(r => r.Notebook.FileName == fixture);

    public string Page(string fixture) => File.ReadAllText(Path.Combine(BookFolder, Path.ChangeExtension(fixture, ".html")));

    public static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    public async Task InitializeAsync()
    {
        foreach (var fixture in Fixtures)
        {
            Repository.CopyTestData(fixture, NotebooksFolder);
        }

        HashesBefore = Fixtures.ToDictionary(f => f, f => Hash(PathOf(f)));
        BookFolder = Path.Combine(Repository.NewTempFolder("book"), "book");
        var progress = new StringWriter();
        Report = await CourseRun.RunAsync(Fixtures.Select(PathOf).ToArray(), BookFolder, observer: new ConsoleProgress(progress));
        Progress = progress.ToString();
    }

    public Task DisposeAsync() => Task.CompletedTask;
}
