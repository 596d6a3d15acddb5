using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CourseRunner;

/// <summary>
/// What the runner and its notebook worker (a child process, see <see cref="NotebookWorker"/>) say to
/// each other. The runner writes every request to the worker's standard input, one JSON line each,
/// then closes it. The worker answers on its standard output with lines <c>MARKER KIND JSON</c>, the
/// marker being a random string the runner chose; any other line is something the process printed
/// (a cell writing to the real console, the runtime's last words on a crash) and is kept as such.
/// </summary>
internal static class WorkerProtocol
{
    /// <summary>The first command-line argument that makes CourseRunner a worker; the marker follows it.</summary>
    public const string Command = "--notebook-worker";

    /// <summary>A notebook started; the payload is a <see cref="WorkerStarted"/>.</summary>
    public const string Started = "started";

    /// <summary>A cell finished or was skipped; the payload is the cell's result (<see cref="RunRecord.CellToJson"/>).</summary>
    public const string Cell = "cell";

    /// <summary>A notebook finished; the payload is a <see cref="WorkerFinished"/>.</summary>
    public const string Finished = "finished";

    /// <summary>How payloads and requests are written: one line each, enums by name.</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = false,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>One message line.</summary>
    public static string Line(string marker, string kind, string payload) => $"{marker} {kind} {payload}";

    /// <summary>Splits a line written by <see cref="Line"/>; false for anything else the process printed.</summary>
    public static bool TryRead(string line, string marker, [NotNullWhen(true)] out string? kind, [NotNullWhen(true)] out string? payload)
    {
        kind = payload = null;
        if (!line.StartsWith(marker + " ", StringComparison.Ordinal))
        {
            return false;
        }

        var rest = line[(marker.Length + 1)..];
        var space = rest.IndexOf(' ');
        if (space <= 0)
        {
            return false;
        }

        (kind, payload) = (rest[..space], rest[(space + 1)..]);
        return true;
    }
}

/// <summary>A notebook for the worker to run.</summary>
/// <param name="Id">The notebook's position in the course run, echoed in <see cref="WorkerStarted"/>.</param>
/// <param name="Path">Where the notebook lives (its folder is the current directory while it runs).</param>
/// <param name="Json">The notebook's text as the runner read it.</param>
/// <param name="CellTimeoutTicks">The per-cell timeout.</param>
/// <param name="Parameters">Code to inject after the "Try it" cell, or null.</param>
internal sealed record WorkerRequest(int Id, string Path, string Json, long CellTimeoutTicks, string? Parameters);

/// <summary>The worker started a notebook.</summary>
/// <param name="Id">The request's id.</param>
/// <param name="Json">The notebook as it runs (any parameters cell injected).</param>
internal sealed record WorkerStarted(int Id, string Json);

/// <summary>The worker finished a notebook.</summary>
/// <param name="DurationTicks">The notebook's wall-clock time, kernel start included.</param>
/// <param name="Error">A failure outside any cell, or null.</param>
internal sealed record WorkerFinished(long DurationTicks, string? Error);
