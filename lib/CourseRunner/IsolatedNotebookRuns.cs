using System.Diagnostics;
using System.Text.Json;

namespace CourseRunner;

/// <summary>
/// Runs notebooks in a child process (a <see cref="NotebookWorker"/>), one after another, so that
/// whatever a cell does to its process (Environment.Exit, a stack overflow, a thread that never stops)
/// costs one notebook, never the run. The worker streams every cell back as it finishes; when it dies,
/// the notebook it was running is reported as crashed at the cell it was running, with what the process
/// printed, and a new worker takes the notebooks that remain. A worker that says nothing for longer
/// than the cell timeout allows is ended the same way.
/// </summary>
internal sealed class IsolatedNotebookRuns(ExecutionOptions options, IExecutionObserver? observer)
{
    /// <summary>What the worker may need beyond a cell's timeout: stopping the cell, its kernel, starting the next.</summary>
    private static readonly TimeSpan SilenceGrace = TimeSpan.FromMinutes(1);

    /// <summary>The longest wait .NET's timers accept (2³² − 2 ms).</summary>
    private static readonly TimeSpan MaxTimer = TimeSpan.FromMilliseconds(uint.MaxValue - 1.0);

    /// <summary>Runs <paramref name="notebooks"/> in order and returns one run each, in the same order.</summary>
    public async Task<IReadOnlyList<NotebookRun>> RunAsync(IReadOnlyList<NotebookFile> notebooks, CancellationToken cancellationToken)
    {
        var runs = new List<NotebookRun>(notebooks.Count);
        while (runs.Count < notebooks.Count)
        {
            var first = runs.Count;
            var requests = notebooks.Skip(first).Select((n, k) => new WorkerRequest(
                first + k, n.Path, n.ToJson(), options.CellTimeout.Ticks, options.Parameters)).ToList();
            await using var worker = await WorkerProcess.StartAsync(requests);
            await RunInAsync(worker, notebooks, runs, cancellationToken);
        }

        return runs;
    }

    /// <summary>Adds to <paramref name="runs"/> every notebook the worker finishes, and the one it crashed in.</summary>
    private async Task RunInAsync(WorkerProcess worker, IReadOnlyList<NotebookFile> notebooks, List<NotebookRun> runs, CancellationToken cancellationToken)
    {
        var startedHere = 0;
        NotebookFile? current = null;
        var cells = new List<CellResult>();
        var sinceLastMessage = Stopwatch.StartNew();
        var sinceStart = Stopwatch.StartNew();
        while (true)
        {
            WorkerMessage? message;
            try
            {
                message = await worker.ReadAsync(SilenceLimit, cancellationToken);
            }
            catch (TimeoutException)
            {
                worker.Kill();
                var what = $"Timed out after {options.CellTimeout.TotalSeconds:0.###} s (--cell-timeout); "
                           + "the notebook's process did not stop the cell and was ended.";
                runs.Add(Stopped(current ?? notebooks[runs.Count], current is not null, cells, CellStatus.TimedOut, what,
                    sinceLastMessage.Elapsed, sinceStart.Elapsed));
                return;
            }

            if (message is null)
            {
                var exitCode = await worker.ExitCodeAsync();
                if (current is not null || startedHere == 0)
                {
                    // Died inside a notebook, or before starting any: either way the next notebook is the one it took down.
                    var crash = $"crashed: the notebook's process exited with code {exitCode}"
                                + (current is null ? " before the notebook started." : ".")
                                + Printed(worker.TakePrinted());
                    runs.Add(Stopped(current ?? notebooks[runs.Count], current is not null, cells, CellStatus.Failed, crash,
                        sinceLastMessage.Elapsed, sinceStart.Elapsed));
                }

                return;
            }

            sinceLastMessage.Restart();
            switch (message.Kind)
            {
                case WorkerProtocol.Started:
                    var started = Deserialize<WorkerStarted>(message.Payload);
                    if (started.Id != runs.Count)
                    {
                        throw new InvalidDataException($"The notebook worker started notebook {started.Id}; notebook {runs.Count} was next.");
                    }

                    worker.TakePrinted();
                    startedHere++;
                    sinceStart.Restart();
                    current = NotebookFile.Parse(started.Json, notebooks[started.Id].Path);
                    cells.Clear();
                    observer?.NotebookStarted(current);
                    break;
                case WorkerProtocol.Cell when current is not null:
                    var cell = RunRecord.CellFromJson(current, message.Payload);
                    cells.Add(cell);
                    observer?.CellFinished(current, cell);
                    break;
                case WorkerProtocol.Finished when current is not null:
                    var finished = Deserialize<WorkerFinished>(message.Payload);
                    var run = new NotebookRun(current, cells.ToArray(), TimeSpan.FromTicks(finished.DurationTicks), finished.Error);
                    observer?.NotebookFinished(run);
                    runs.Add(run);
                    current = null;
                    break;
                default:
                    throw new InvalidDataException($"The notebook worker sent an unexpected \"{message.Kind}\" message.");
            }
        }
    }

    /// <summary>The worker's own timeout, and some time for it to act, capped where timers stop.</summary>
    private TimeSpan SilenceLimit =>
        options.CellTimeout < MaxTimer - SilenceGrace ? options.CellTimeout + SilenceGrace : MaxTimer;

    /// <summary>
    /// The run of a notebook its process took down: the cells it reported, then the cell it was running
    /// with <paramref name="status"/> and <paramref name="error"/>, then the rest as not run. When no code
    /// cell was left to blame (or the notebook never <paramref name="started"/>), the error is the notebook's.
    /// </summary>
    private NotebookRun Stopped(
        NotebookFile notebook, bool started, List<CellResult> reported, CellStatus status, string error, TimeSpan cellTime, TimeSpan notebookTime)
    {
        if (!started)
        {
            observer?.NotebookStarted(notebook);
            notebookTime = TimeSpan.Zero;
        }

        var cells = new List<CellResult>(reported);
        var blamed = false;
        foreach (var cell in notebook.Cells.Skip(reported.Count))
        {
            CellResult result;
            if (cell.Kind != CellKind.Code)
            {
                result = CellResult.NotExecuted(cell, CellStatus.NotCode);
            }
            else if (!blamed && started)
            {
                blamed = true;
                result = new CellResult(cell, status, [CellOutput.Text(OutputKind.Error, error)], error, cellTime, null);
            }
            else
            {
                result = CellResult.NotExecuted(cell, CellStatus.NotRun);
            }

            cells.Add(result);
            observer?.CellFinished(notebook, result);
        }

        var run = new NotebookRun(notebook, cells, notebookTime, blamed ? null : error);
        observer?.NotebookFinished(run);
        return run;
    }

    private static string Printed(string printed) =>
        printed.Length == 0
            ? " It printed nothing."
            : " It printed:" + Environment.NewLine + string.Join(Environment.NewLine, printed.Split('\n').Select(l => "  " + l.TrimEnd('\r')));

    private static T Deserialize<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, WorkerProtocol.Json) ?? throw new InvalidDataException($"The notebook worker sent an empty {typeof(T).Name}.");
}
