namespace CourseRunner;

/// <summary>The outcome of a course run: every notebook's run and where the book was written.</summary>
/// <param name="Runs">One run per selected notebook, in order.</param>
/// <param name="BookFolder">The folder holding index.html, the lesson pages and the executed notebooks.</param>
public sealed record CourseReport(IReadOnlyList<NotebookRun> Runs, string BookFolder)
{
    /// <summary>True when every notebook ran to the end.</summary>
    public bool Succeeded => Runs.All(r => r.Succeeded);

    /// <summary>The process exit code: 0 when every notebook succeeded, 1 otherwise.</summary>
    public int ExitCode => Succeeded ? 0 : 1;

    /// <summary>One entry per failed notebook, naming notebook, cell and error.</summary>
    public IReadOnlyList<string> Failures => Runs.Select(r => r.FailureSummary).OfType<string>().ToArray();
}

/// <summary>
/// Runs notebooks one after another, each in its own fresh kernel, in a child process of its own
/// (see <see cref="IsolatedNotebookRuns"/>), then writes the book. A failing notebook never stops the
/// others, a notebook that crashes its process or cannot even be read is one failed run, and the book
/// is written whatever happened.
/// </summary>
public static class CourseRun
{
    /// <summary>Runs the notebooks at <paramref name="notebookPaths"/> and writes the book to <paramref name="bookFolder"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="bookFolder"/> cannot be written (checked before anything runs).</exception>
    public static async Task<CourseReport> RunAsync(
        IReadOnlyList<string> notebookPaths,
        string bookFolder,
        ExecutionOptions? options = null,
        IExecutionObserver? observer = null,
        CancellationToken cancellationToken = default)
    {
        var fullBookFolder = Path.GetFullPath(bookFolder);
        if (WritableFolder.WhyNotWritable(fullBookFolder) is { } why)
        {
            throw new ArgumentException($"expected a folder the book can be written to; got {fullBookFolder} ({why})", nameof(bookFolder));
        }

        MathRenderer.Prepare(); // loads while the notebooks run, ready when the book is written
        var runs = new NotebookRun?[notebookPaths.Count];
        var readable = new List<(int Index, NotebookFile Notebook)>();
        for (var i = 0; i < notebookPaths.Count; i++)
        {
            if (Read(notebookPaths[i], out var notebook) is { } unreadable)
            {
                observer?.NotebookStarted(unreadable.Notebook);
                observer?.NotebookFinished(unreadable);
                runs[i] = unreadable;
            }
            else
            {
                readable.Add((i, notebook!));
            }
        }

        var isolated = new IsolatedNotebookRuns(options ?? new ExecutionOptions(), observer);
        var ran = await isolated.RunAsync(readable.Select(r => r.Notebook).ToArray(), cancellationToken);
        foreach (var ((index, _), run) in readable.Zip(ran))
        {
            runs[index] = run;
        }

        var all = runs.Select(r => r!).ToArray();
        BookWriter.Write(all, fullBookFolder);
        return new CourseReport(all, fullBookFolder);
    }

    /// <summary>A notebook that cannot even be read is a failed run, returned, not thrown; null when it was read.</summary>
    private static NotebookRun? Read(string path, out NotebookFile? notebook)
    {
        try
        {
            notebook = NotebookFile.Load(path);
            return null;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            notebook = null;
            var empty = NotebookFile.Parse("""{"cells":[],"metadata":{},"nbformat":4,"nbformat_minor":5}""", path);
            return new NotebookRun(empty, [], TimeSpan.Zero, $"could not be read: {e.Message}");
        }
    }
}
