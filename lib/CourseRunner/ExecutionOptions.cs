namespace CourseRunner;

/// <summary>How the <see cref="NotebookExecutor"/> runs notebooks.</summary>
public sealed record ExecutionOptions
{
    /// <summary>The default per-cell timeout: five minutes.</summary>
    public static readonly TimeSpan DefaultCellTimeout = TimeSpan.FromSeconds(300);

    /// <summary>The longest per-cell timeout: 49 days, just under what .NET's timers can wait (2³² − 2 ms).</summary>
    public static readonly TimeSpan MaxCellTimeout = TimeSpan.FromDays(49);

    private readonly TimeSpan _cellTimeout = DefaultCellTimeout;

    /// <summary>How long one cell may run before it is stopped and reported as timed out.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not more than zero, or more than <see cref="MaxCellTimeout"/>.</exception>
    public TimeSpan CellTimeout
    {
        get => _cellTimeout;
        init => _cellTimeout = value > TimeSpan.Zero && value <= MaxCellTimeout
            ? value
            : throw new ArgumentOutOfRangeException(nameof(CellTimeout), value,
                $"{nameof(CellTimeout)}: expected more than 0 and at most {MaxCellTimeout.TotalDays:0} days; got {value}.");
    }

    /// <summary>
    /// C# code to inject in a new cell right after each notebook's "Try it" cell (tagged "parameters"),
    /// e.g. <c>sentence = "the cat sat"; maxLength = 7;</c>. Null runs the notebooks as written.
    /// </summary>
    public string? Parameters { get; init; }
}
