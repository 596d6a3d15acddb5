namespace CourseRunner;

/// <summary>
/// Prints one line per cell, e.g. <c>[01-attention-scores] cell 3/24 ok 0.12s</c>, and the error
/// of a failing cell. Cells are numbered from 1 among all cells of the notebook, Markdown included
/// (Markdown cells themselves print nothing).
/// </summary>
public sealed class ConsoleProgress(TextWriter output) : IExecutionObserver
{
    /// <summary>Progress written to the console's standard output.</summary>
    public ConsoleProgress() : this(Console.Out)
    {
    }

    /// <inheritdoc />
    public void NotebookStarted(NotebookFile notebook) =>
        output.WriteLine($"[{notebook.Name}] {notebook.Cells.Count} cells");

    /// <inheritdoc />
    public void CellFinished(NotebookFile notebook, CellResult result)
    {
        if (result.Status == CellStatus.NotCode)
        {
            return;
        }

        var where = result.Cell.IsInjectedParameters
            ? $"[{notebook.Name}] {result.Cell.Name}"
            : $"[{notebook.Name}] cell {result.Cell.Number}/{notebook.Cells.Count}";
        var line = result.Status switch
        {
            CellStatus.Succeeded => $"{where} ok {Seconds(result.Duration)}",
            CellStatus.Failed => $"{where} FAILED {Seconds(result.Duration)}",
            CellStatus.TimedOut => $"{where} TIMED OUT {Seconds(result.Duration)}",
            _ => $"{where} not run",
        };
        output.WriteLine(line);
        if (result.IsFailure && result.Error is { } error)
        {
            foreach (var errorLine in error.Split('\n'))
            {
                output.WriteLine("    " + errorLine.TrimEnd('\r'));
            }
        }
    }

    /// <inheritdoc />
    public void NotebookFinished(NotebookRun run)
    {
        var verdict = run.Succeeded ? "ok" : "FAILED";
        output.WriteLine($"[{run.Notebook.Name}] {verdict} in {Seconds(run.Duration)}");
        if (run.Error is { } error)
        {
            output.WriteLine("    " + error);
        }
    }

    /// <summary>
    /// The time table printed after a course run: one line per notebook (its time, and of it the kernel's
    /// start and setup cells), then the sum.
    /// </summary>
    public static string Summary(IReadOnlyList<NotebookRun> runs)
    {
        var width = Math.Max("notebook".Length, runs.Select(r => r.Notebook.Name.Length).DefaultIfEmpty(0).Max());
        var lines = new List<string> { $"{"notebook".PadRight(width)}  {"time",8}  {"of it setup",11}" };
        foreach (var run in runs)
        {
            var setup = run.SetupDuration is { } s ? Seconds(s) : "-";
            var verdict = run.Succeeded ? "" : "  FAILED";
            lines.Add($"{run.Notebook.Name.PadRight(width)}  {Seconds(run.Duration),8}  {setup,11}{verdict}");
        }

        var total = TimeSpan.FromTicks(runs.Sum(r => r.Duration.Ticks));
        lines.Add($"{"sum".PadRight(width)}  {Seconds(total),8}");
        return string.Join(Environment.NewLine, lines);
    }

    private static string Seconds(TimeSpan duration) =>
        duration.TotalSeconds.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) + "s";
}
