using System.Diagnostics;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.Events;

namespace CourseRunner;

/// <summary>
/// Runs a notebook cell by cell in this process, in a fresh C# kernel, and reports every cell's
/// outputs, errors and duration. Markdown and raw cells are not executed. The first cell that fails
/// or times out stops its notebook; the cells after it are reported as not run.
/// </summary>
/// <remarks>
/// While a notebook runs, the process's current directory is the notebook's folder, so that a relative
/// <c>#r "../lib/AttentionLab/bin/AttentionLab.dll"</c> resolves as it does in VS Code and Jupyter; it
/// is restored afterwards. Because the current directory belongs to the whole process, notebooks run
/// one at a time, even when several executors are used concurrently.
/// </remarks>
public sealed class NotebookExecutor
{
    private const string CSharpKernelName = NotebookFile.DefaultKernelName;
    private static readonly SemaphoreSlim OneNotebookAtATime = new(1, 1);
    private static readonly TimeSpan StopGracePeriod = TimeSpan.FromSeconds(5);

    private readonly IExecutionObserver? _observer;

    /// <summary>An executor with the given options (defaults when null) and an optional progress observer.</summary>
    public NotebookExecutor(ExecutionOptions? options = null, IExecutionObserver? observer = null)
    {
        Options = options ?? new ExecutionOptions();
        _observer = observer;
    }

    /// <summary>The timeout and parameters this executor applies.</summary>
    public ExecutionOptions Options { get; }

    /// <summary>Reads the notebook at <paramref name="path"/> and runs it.</summary>
    public Task<NotebookRun> RunAsync(string path, CancellationToken cancellationToken = default) =>
        RunAsync(NotebookFile.Load(path), cancellationToken);

    /// <summary>
    /// Runs <paramref name="notebook"/> (with <see cref="ExecutionOptions.Parameters"/> injected, if set)
    /// and returns one result per cell. Cell failures are results, not exceptions.
    /// </summary>
    public async Task<NotebookRun> RunAsync(NotebookFile notebook, CancellationToken cancellationToken = default)
    {
        await OneNotebookAtATime.WaitAsync(cancellationToken);
        try
        {
            return await RunAloneAsync(notebook, cancellationToken);
        }
        finally
        {
            OneNotebookAtATime.Release();
        }
    }

    private async Task<NotebookRun> RunAloneAsync(NotebookFile notebook, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        if (Options.Parameters is { } parameters)
        {
            try
            {
                notebook = notebook.WithInjectedParameters(parameters);
            }
            catch (InvalidOperationException e)
            {
                _observer?.NotebookStarted(notebook);
                var unrun = notebook.Cells.Select(c => CellResult.NotExecuted(c, NotRunStatus(c))).ToArray();
                var failed = new NotebookRun(notebook, unrun, clock.Elapsed, e.Message);
                _observer?.NotebookFinished(failed);
                return failed;
            }
        }

        _observer?.NotebookStarted(notebook);
        var previousDirectory = Environment.CurrentDirectory;
        var results = new List<CellResult>(notebook.Cells.Count);
        CompositeKernel? kernel = null;
        try
        {
            Environment.CurrentDirectory = notebook.Directory;
            kernel = InProcessKernel.Create();
            var collector = new CellOutputCollector();
            using var subscription = kernel.KernelEvents.Subscribe(collector.Add);

            var executionCount = 0;
            var stopped = false;
            foreach (var cell in notebook.Cells)
            {
                cancellationToken.ThrowIfCancellationRequested();
                CellResult result;
                if (stopped || kernel is null)
                {
                    result = CellResult.NotExecuted(cell, NotRunStatus(cell));
                }
                else if (cell.Kind != CellKind.Code)
                {
                    result = CellResult.NotExecuted(cell, CellStatus.NotCode);
                }
                else if (!IsCSharp(cell.KernelName))
                {
                    var error = $"This cell uses the \"{cell.KernelName}\" kernel; the course runs C# cells only. "
                                + "Change the cell's language to C#.";
                    result = new CellResult(cell, CellStatus.Failed, [CellOutput.Text(OutputKind.Error, error)],
                        error, TimeSpan.Zero, null);
                }
                else
                {
                    collector.Restart();
                    (result, var kernelIsUsable) = await RunCellAsync(kernel, cell, ++executionCount, collector, cancellationToken);
                    if (!kernelIsUsable)
                    {
                        await StopAsync(kernel);
                        kernel = null;
                    }
                }

                stopped |= result.IsFailure;
                results.Add(result);
                _observer?.CellFinished(notebook, result);
            }
        }
        finally
        {
            kernel?.Dispose();
            Environment.CurrentDirectory = previousDirectory;
        }

        var run = new NotebookRun(notebook, results, clock.Elapsed);
        _observer?.NotebookFinished(run);
        return run;
    }

    /// <summary>Runs one code cell; the flag is false when the kernel is stuck in a cell that timed out.</summary>
    private async Task<(CellResult Result, bool KernelIsUsable)> RunCellAsync(
        CompositeKernel kernel, NotebookCell cell, int executionCount, CellOutputCollector collector,
        CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var submission = kernel.SendAsync(new SubmitCode(cell.Source, CSharpKernelName), cancellationToken);
        var finished = await Task.WhenAny(submission, Task.Delay(Options.CellTimeout, cancellationToken));
        cancellationToken.ThrowIfCancellationRequested();

        if (finished != submission)
        {
            // Nobody will await the abandoned submission: observe its fault, if any, here.
            _ = submission.ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);
            var message = $"Timed out after {Options.CellTimeout.TotalSeconds:0.###} s (--cell-timeout); "
                          + "the cell was cancelled and the notebook's kernel shut down.";
            var partial = collector.Restart().Append(CellOutput.Text(OutputKind.Error, message)).ToArray();
            return (new CellResult(cell, CellStatus.TimedOut, partial, message, clock.Elapsed, executionCount), false);
        }

        var events = (await submission).Events;
        var outputs = collector.Restart().ToList();
        if (events.OfType<CommandFailed>().LastOrDefault() is { } failed)
        {
            var error = ErrorText(failed);
            if (!outputs.Any(o => o.Kind == OutputKind.Error && o.PlainText == error))
            {
                outputs.Add(CellOutput.Text(OutputKind.Error, error));
            }

            return (new CellResult(cell, CellStatus.Failed, outputs, error, clock.Elapsed, executionCount), true);
        }

        return (new CellResult(cell, CellStatus.Succeeded, outputs, null, clock.Elapsed, executionCount), true);
    }

    /// <summary>Compile errors arrive as their diagnostics; a thrown exception as its type and message.</summary>
    private static string ErrorText(CommandFailed failed) => failed.Exception switch
    {
        null or CodeSubmissionCompilationErrorException => failed.Message,
        var e => $"{e.GetType().FullName}: {e.Message}",
    };

    /// <summary>
    /// Cancels the running command and disposes the kernel. A cell that ignores cancellation (a busy
    /// loop) cannot be aborted in .NET; its thread is abandoned and the run goes on with a new kernel.
    /// </summary>
    private static async Task StopAsync(CompositeKernel kernel)
    {
        try
        {
            await Task.WhenAny(kernel.SendAsync(new Cancel()), Task.Delay(StopGracePeriod));
        }
        catch (Exception)
        {
            // The kernel is being thrown away; a failing cancel changes nothing.
        }

        await Task.WhenAny(Task.Run(kernel.Dispose), Task.Delay(StopGracePeriod));
    }

    private static bool IsCSharp(string kernelName) =>
        kernelName is CSharpKernelName or "C#" or "c#";

    private static CellStatus NotRunStatus(NotebookCell cell) =>
        cell.Kind == CellKind.Code ? CellStatus.NotRun : CellStatus.NotCode;
}
