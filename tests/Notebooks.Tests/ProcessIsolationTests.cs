namespace Notebooks.Tests;

/// <summary>
/// Notebooks run in a process of their own: a cell that ends that process (Environment.Exit, a stack
/// overflow) fails its notebook, named, and the other notebooks still run and get their book.
/// </summary>
[Trait("Category", "InProcess")]
public sealed class ProcessIsolationTests
{
    [Fact]
    public async Task A_cell_that_exits_the_process_or_overflows_the_stack_fails_only_its_notebook_and_the_book_is_written()
    {
        var folder = Repository.NewTempFolder("crash");
        var fixtures = new[] { "exits.ipynb", "overflows.ipynb", "04-try-it.ipynb" };
        foreach (var fixture in fixtures)
        {
            Repository.CopyTestData(fixture, folder);
        }

        var progress = new StringWriter();
        var book = Path.Combine(folder, "book");

        var report = await CourseRun.RunAsync(fixtures.Select(f => Path.Combine(folder, f)).ToArray(), book,
            new ExecutionOptions { CellTimeout = TimeSpan.FromMinutes(2) }, new ConsoleProgress(progress));

        Assert.Equal(1, report.ExitCode);
        var (exits, overflows, tryIt) = (report.Runs[0], report.Runs[1], report.Runs[2]);

        Assert.Equal(CellStatus.Succeeded, exits.Cells[1].Status);
        Assert.Equal(CellStatus.Failed, exits.Cells[2].Status);
        Assert.Equal(CellStatus.NotRun, exits.Cells[3].Status);
        Assert.Contains("exits.ipynb, cell 3 of 4 (code cell 2) failed", exits.FailureSummary);
        Assert.Contains("crashed: the notebook's process exited with code 0", exits.FailureSummary);

        Assert.Equal(CellStatus.Succeeded, overflows.Cells[1].Status);
        Assert.Contains("overflows.ipynb, cell 3 of 4 (code cell 2) failed", overflows.FailureSummary);
        Assert.Matches("crashed: the notebook's process exited with code [1-9][0-9]*", overflows.FailureSummary);
        Assert.Contains("Stack overflow", overflows.FailureSummary);
        Assert.Equal(CellStatus.NotRun, overflows.Cells[3].Status);

        Assert.True(tryIt.Succeeded, tryIt.FailureSummary);
        Assert.Equal(2, report.Failures.Count);
        Assert.Contains("[exits] cell 3/4 FAILED", progress.ToString());
        Assert.Contains("[overflows] cell 3/4 FAILED", progress.ToString());
        foreach (var fixture in fixtures)
        {
            Assert.True(File.Exists(Path.Combine(book, Path.ChangeExtension(fixture, ".html"))), $"no page for {fixture}");
        }

        Assert.Contains("crashed", File.ReadAllText(Path.Combine(book, "exits.html")));
    }
}
