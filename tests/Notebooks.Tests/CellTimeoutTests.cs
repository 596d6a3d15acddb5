using System.Diagnostics;

namespace Notebooks.Tests;

/// <summary>A cell that never finishes is stopped by the per-cell timeout, reported, and the run goes on.</summary>
[Trait("Category", "InProcess")]
public sealed class CellTimeoutTests
{
    [Fact]
    public async Task A_hanging_cell_is_stopped_and_reported_and_the_next_notebook_still_runs()
    {
        var folder = Repository.NewTempFolder("timeout");
        var hanging = Repository.CopyTestData("hanging.ipynb", folder);
        var next = Repository.CopyTestData("04-try-it.ipynb", folder);
        var timeout = TimeSpan.FromSeconds(10);

        var clock = Stopwatch.StartNew();
        var report = await CourseRun.RunAsync([hanging, next], Path.Combine(folder, "book"), new ExecutionOptions { CellTimeout = timeout });

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(120), $"the run took {clock.Elapsed}");
        Assert.Equal(1, report.ExitCode);
        var stuck = report.Runs[0];
        Assert.Equal(CellStatus.TimedOut, stuck.Cells[2].Status);
        Assert.InRange(stuck.Cells[2].Duration, timeout - TimeSpan.FromSeconds(1), timeout + TimeSpan.FromSeconds(30));
        Assert.Contains("before the hang", stuck.Cells[1].Outputs.Single().PlainText);
        Assert.Equal(CellStatus.NotRun, stuck.Cells[3].Status);
        Assert.Contains("hanging.ipynb, cell 3 of 4 (code cell 2) timed out", stuck.FailureSummary);
        Assert.Contains("Timed out after 10 s", stuck.FailureSummary);
        Assert.True(report.Runs[1].Succeeded, report.Runs[1].FailureSummary);
        Assert.Contains("timed out", File.ReadAllText(Path.Combine(folder, "book", "hanging.html")));
    }

    [Fact]
    public async Task A_cell_spinning_forever_is_stopped_with_its_process_and_the_next_notebook_runs_in_a_new_one()
    {
        var folder = Repository.NewTempFolder("spin");
        var spins = Repository.CopyTestData("spins.ipynb", folder);
        var next = Repository.CopyTestData("process-id.ipynb", folder);

        var report = await CourseRun.RunAsync([spins, next], Path.Combine(folder, "book"), new ExecutionOptions { CellTimeout = TimeSpan.FromSeconds(5) });

        var stuck = report.Runs[0];
        Assert.Equal(CellStatus.TimedOut, stuck.Cells[2].Status);
        Assert.Contains("spins.ipynb, cell 3 of 4 (code cell 2) timed out", stuck.FailureSummary);
        Assert.True(report.Runs[1].Succeeded, report.Runs[1].FailureSummary);
        var spinningProcess = int.Parse(stuck.Cells[1].Outputs.Single().PlainText!.Trim());
        var nextProcess = int.Parse(report.Runs[1].Cells[1].Outputs.Single().PlainText!.Trim());
        Assert.NotEqual(Environment.ProcessId, spinningProcess);
        Assert.NotEqual(spinningProcess, nextProcess);
        Assert.False(IsRunning(spinningProcess), $"the process {spinningProcess} with the spinning cell is still running");
    }

    private static bool IsRunning(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
