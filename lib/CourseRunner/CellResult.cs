namespace CourseRunner;

/// <summary>What happened to a cell during a run.</summary>
public enum CellStatus
{
    /// <summary>The code ran to the end without error.</summary>
    Succeeded,

    /// <summary>The code did not compile or threw; <see cref="CellResult.Error"/> says why.</summary>
    Failed,

    /// <summary>The code ran longer than the per-cell timeout and was stopped.</summary>
    TimedOut,

    /// <summary>Not executed because an earlier cell failed or timed out.</summary>
    NotRun,

    /// <summary>A Markdown or raw cell: nothing to execute.</summary>
    NotCode,
}

/// <summary>The outcome of one cell: status, outputs, error text and duration.</summary>
/// <param name="Cell">The cell as read from the notebook.</param>
/// <param name="Status">What happened.</param>
/// <param name="Outputs">Outputs in the order the kernel produced them.</param>
/// <param name="Error">For a failed or timed-out cell, the compile diagnostics, exception message or timeout.</param>
/// <param name="Duration">Wall-clock time the cell took (zero when not run).</param>
/// <param name="ExecutionCount">The cell's execution count in the run (1, 2, ...), null when not run.</param>
public sealed record CellResult(
    NotebookCell Cell,
    CellStatus Status,
    IReadOnlyList<CellOutput> Outputs,
    string? Error,
    TimeSpan Duration,
    int? ExecutionCount)
{
    /// <summary>True when the cell failed or timed out.</summary>
    public bool IsFailure => Status is CellStatus.Failed or CellStatus.TimedOut;

    /// <summary>A result for a cell that has nothing to execute or was never reached.</summary>
    public static CellResult NotExecuted(NotebookCell cell, CellStatus status) =>
        new(cell, status, [], null, TimeSpan.Zero, null);
}
