namespace Notebooks.Tests;

/// <summary>What the runner cannot run is reported clearly, and never stops the other notebooks.</summary>
[Trait("Category", "InProcess")]
public sealed class UnsupportedInputTests
{
    [Fact]
    public async Task A_cell_in_another_language_fails_clearly_and_stops_its_notebook()
    {
        var path = Path.Combine(Repository.NewTempFolder("fsharp"), "fsharp.ipynb");
        File.WriteAllText(path, """
            {
             "cells": [
              {"cell_type": "code", "execution_count": null, "metadata": {"polyglot_notebook": {"kernelName": "fsharp"}}, "outputs": [], "source": ["let x = 1"]},
              {"cell_type": "code", "execution_count": null, "metadata": {}, "outputs": [], "source": ["1 + 1"]}
             ],
             "metadata": {"kernelspec": {"display_name": ".NET (C#)", "language": "C#", "name": ".net-csharp"}},
             "nbformat": 4, "nbformat_minor": 4
            }
            """);

        var run = await new NotebookExecutor().RunAsync(path);

        Assert.Equal(CellStatus.Failed, run.Cells[0].Status);
        Assert.Contains("cell 1 of 2 (code cell 1) failed", run.FailureSummary);
        Assert.Contains("\"fsharp\" kernel; the course runs C# cells only", run.FailureSummary);
        Assert.Equal(CellStatus.NotRun, run.Cells[1].Status);
    }

    [Fact]
    public async Task A_file_that_is_not_a_notebook_is_reported_and_the_others_still_run()
    {
        var folder = Repository.NewTempFolder("unreadable");
        var broken = Path.Combine(folder, "01-not-a-notebook.ipynb");
        var good = Repository.CopyTestData("02-escaping.ipynb", folder);
        File.WriteAllText(broken, "this is not JSON");

        var report = await CourseRun.RunAsync([broken, good], Path.Combine(folder, "book"));

        Assert.Equal(1, report.ExitCode);
        Assert.StartsWith("01-not-a-notebook.ipynb: could not be read", Assert.Single(report.Failures));
        Assert.True(report.Runs[1].Succeeded, report.Runs[1].FailureSummary);
        Assert.True(File.Exists(Path.Combine(folder, "book", "02-escaping.html")));
    }
}
