namespace CourseRunner;

/// <summary>Where an output came from, which decides how the .ipynb and the book show it.</summary>
public enum OutputKind
{
    /// <summary>A value shown with display(...) or by a kernel extension (DisplayedValueProduced).</summary>
    Display,

    /// <summary>The value of the cell's last expression (ReturnValueProduced).</summary>
    ReturnValue,

    /// <summary>Text written to Console.Out (StandardOutputValueProduced).</summary>
    StandardOutput,

    /// <summary>Text written to Console.Error (StandardErrorValueProduced).</summary>
    StandardError,

    /// <summary>An error reported by the kernel (ErrorProduced, CommandFailed) or by the runner (timeout, unsupported cell).</summary>
    Error,
}

/// <summary>One output of a cell: its formatted values by MIME type ("text/html", "text/plain", ...).</summary>
/// <param name="Kind">Where the output came from.</param>
/// <param name="Data">The output's text per MIME type; streams and errors use "text/plain" only.</param>
/// <param name="ValueId">The display id of a display value that later updates replace, if any.</param>
public sealed record CellOutput(OutputKind Kind, IReadOnlyDictionary<string, string> Data, string? ValueId = null)
{
    /// <summary>The text/plain form of the output, or null when it has none.</summary>
    public string? PlainText => Data.GetValueOrDefault("text/plain");

    /// <summary>The text/html form of the output, or null when it has none.</summary>
    public string? Html => Data.GetValueOrDefault("text/html");

    /// <summary>A text-only output (stream or error).</summary>
    public static CellOutput Text(OutputKind kind, string text) =>
        new(kind, new Dictionary<string, string> { ["text/plain"] = text });
}
