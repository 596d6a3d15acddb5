namespace CourseRunner;

/// <summary>Hears about a run as it happens, e.g. to print progress (see <see cref="ConsoleProgress"/>).</summary>
public interface IExecutionObserver
{
    /// <summary>A notebook is about to run.</summary>
    void NotebookStarted(NotebookFile notebook);

    /// <summary>A cell has finished (or was skipped); called once per cell, in order.</summary>
    void CellFinished(NotebookFile notebook, CellResult result);

    /// <summary>A notebook has finished, successfully or not.</summary>
    void NotebookFinished(NotebookRun run);
}
