namespace CourseRunner;

/// <summary>The outcome of running one notebook: one result per cell, in order.</summary>
/// <param name="Notebook">The notebook that ran (with any injected parameters cell).</param>
/// <param name="Cells">One result per cell of <paramref name="Notebook"/>.</param>
/// <param name="Duration">Wall-clock time of the whole notebook, kernel start-up included.</param>
/// <param name="Error">A failure outside any cell (e.g. parameters requested but no "Try it" cell), else null.</param>
public sealed record NotebookRun(NotebookFile Notebook, IReadOnlyList<CellResult> Cells, TimeSpan Duration, string? Error = null)
{
    /// <summary>True when no cell failed or timed out and the notebook itself could be run.</summary>
    public bool Succeeded => Error is null && FirstFailure is null;

    /// <summary>
    /// What a learner waits for before the lesson proper begins: the kernel's start and every cell before the
    /// "Try it" cell (the setup: the library and its packages). Null when the notebook has no "Try it" cell.
    /// </summary>
    public TimeSpan? SetupDuration => Notebook.ParametersCell is { } tryIt
        ? Duration - TimeSpan.FromTicks(Cells.Where(c => c.Cell.Index >= tryIt.Index).Sum(c => c.Duration.Ticks))
        : null;

    /// <summary>The cell that stopped the notebook, or null.</summary>
    public CellResult? FirstFailure => Cells.FirstOrDefault(c => c.IsFailure);

    /// <summary>
    /// One line naming the notebook, the cell (1-based, counting all cells) and the error, or null on success.
    /// </summary>
    public string? FailureSummary
    {
        get
        {
            if (Error is not null)
            {
                return $"{Notebook.FileName}: {Error}";
            }

            if (FirstFailure is not { } failed)
            {
                return null;
            }

            var codeNumber = Cells.Count(c => c.Cell.Kind == CellKind.Code && c.Cell.Index <= failed.Cell.Index);
            var what = failed.Status == CellStatus.TimedOut ? "timed out" : "failed";
            var where = failed.Cell.IsInjectedParameters
                ? failed.Cell.Name
                : $"cell {failed.Cell.Number} of {Cells.Count} (code cell {codeNumber})";
            return $"{Notebook.FileName}, {where} {what}:" + Environment.NewLine + Indent(failed.Error ?? "(no error text)");
        }
    }

    private static string Indent(string text) =>
        string.Join(Environment.NewLine, text.Split('\n').Select(line => "    " + line.TrimEnd('\r')));
}
