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
/// Runs notebooks one after another, each in its own fresh kernel, then writes the book. A failing
/// notebook never stops the others, and the book is written whatever happened.
/// </summary>
public static class CourseRun
{
    /// <summary>Runs the notebooks at <paramref name="notebookPaths"/> and writes the book to <paramref name="bookFolder"/>.</summary>
    public static async Task<CourseReport> RunAsync(
        IReadOnlyList<string> notebookPaths,
        string bookFolder,
        ExecutionOptions? options = null,
        IExecutionObserver? observer = null,
        CancellationToken cancellationToken = default)
    {
        var executor = new NotebookExecutor(options, observer);
        var runs = new List<NotebookRun>(notebookPaths.Count);
        foreach (var path in notebookPaths)
        {
            runs.Add(await RunOneAsync(executor, path, cancellationToken));
        }

        BookWriter.Write(runs, bookFolder);
        return new CourseReport(runs, Path.GetFullPath(bookFolder));
    }

    /// <summary>A notebook that cannot even be read is reported as a failed run, not thrown.</summary>
    private static async Task<NotebookRun> RunOneAsync(NotebookExecutor executor, string path, CancellationToken cancellationToken)
    {
        NotebookFile notebook;
        try
        {
            notebook = NotebookFile.Load(path);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            var empty = NotebookFile.Parse("""{"cells":[],"metadata":{},"nbformat":4,"nbformat_minor":5}""", path);
            return new NotebookRun(empty, [], TimeSpan.Zero, $"could not be read: {e.Message}");
        }

        return await executor.RunAsync(notebook, cancellationToken);
    }
}
