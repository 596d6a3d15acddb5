namespace Notebooks.Tests;

/// <summary>The runner's API refuses what its command line refuses, naming what is wrong, before anything runs.</summary>
[Trait("Category", "InProcess")]
public sealed class ExecutionOptionsTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(50 * 24 * 3600)]
    public void A_cell_timeout_out_of_range_is_refused_naming_it(double seconds)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new ExecutionOptions { CellTimeout = TimeSpan.FromSeconds(seconds) });

        Assert.Equal(nameof(ExecutionOptions.CellTimeout), e.ParamName);
        Assert.Contains("at most 49 days", e.Message);
    }

    [Fact]
    public void The_longest_cell_timeout_is_accepted()
    {
        var options = new ExecutionOptions { CellTimeout = ExecutionOptions.MaxCellTimeout };

        Assert.Equal(TimeSpan.FromDays(49), options.CellTimeout);
    }

    [Fact]
    public async Task A_book_folder_that_cannot_be_written_is_refused_before_any_notebook_runs()
    {
        var folder = Repository.NewTempFolder("api-output");
        var aFile = Path.Combine(folder, "a-file");
        File.WriteAllText(aFile, "");
        var progress = new StringWriter();

        var e = await Assert.ThrowsAsync<ArgumentException>(() => CourseRun.RunAsync(
            [Path.Combine(Repository.TestData, "01-broken.ipynb")], Path.Combine(aFile, "book"), observer: new ConsoleProgress(progress)));

        Assert.Equal("bookFolder", e.ParamName);
        Assert.Contains(Path.Combine(aFile, "book"), e.Message);
        Assert.Equal("", progress.ToString());
    }
}
