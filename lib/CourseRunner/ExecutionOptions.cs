namespace CourseRunner;

/// <summary>How the <see cref="NotebookExecutor"/> runs notebooks.</summary>
public sealed record ExecutionOptions
{
    /// <summary>The default per-cell timeout: five minutes.</summary>
    public static readonly TimeSpan DefaultCellTimeout = TimeSpan.FromSeconds(300);

    /// <summary>How long one cell may run before it is stopped and reported as timed out.</summary>
    public TimeSpan CellTimeout { get; init; } = DefaultCellTimeout;

    /// <summary>
    /// C# code to inject in a new cell right after each notebook's "Try it" cell (tagged "parameters"),
    /// e.g. <c>sentence = "the cat sat"; maxLength = 7;</c>. Null runs the notebooks as written.
    /// </summary>
    public string? Parameters { get; init; }
}
