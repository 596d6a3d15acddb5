using System.Text;
using System.Text.Json;

namespace CourseRunner;

/// <summary>
/// The child process that runs notebooks for the runner (<c>CourseRunner --notebook-worker MARKER</c>):
/// it reads every request from its standard input, runs the notebooks one after another, each in a
/// fresh kernel (<see cref="NotebookExecutor"/>), and reports each start, cell and end on its standard
/// output (<see cref="WorkerProtocol"/>). A cell that ends this process (Environment.Exit, a stack
/// overflow) ends only the worker: the runner reports that notebook as crashed and starts another
/// worker for the rest. Packages loaded by one notebook stay loaded for the next, as in one process.
/// </summary>
internal static class NotebookWorker
{
    /// <summary>Runs the requests on standard input; returns the process exit code.</summary>
    public static async Task<int> RunAsync(string marker)
    {
        // The protocol is written to the real standard output, never through Console.Out, which the
        // kernel redirects while a cell runs.
        await using var output = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false), bufferSize: 1 << 16);
        var reporter = new Reporter(output, marker);

        var warmUp = WarmUpAsync();
        var requests = new List<WorkerRequest>();
        while (await Console.In.ReadLineAsync() is { } line)
        {
            if (line.Length > 0)
            {
                requests.Add(JsonSerializer.Deserialize<WorkerRequest>(line, WorkerProtocol.Json)
                             ?? throw new InvalidDataException("A notebook request was null."));
            }
        }

        await warmUp;
        foreach (var request in requests)
        {
            reporter.Id = request.Id;
            var options = new ExecutionOptions
            {
                CellTimeout = TimeSpan.FromTicks(request.CellTimeoutTicks),
                Parameters = request.Parameters,
            };
            var run = await new NotebookExecutor(options, reporter).RunAsync(NotebookFile.Parse(request.Json, request.Path));
            if (run.Cells.Any(c => c.Status == CellStatus.TimedOut))
            {
                // A stopped cell may have left a thread spinning: the runner starts a fresh worker for the rest.
                return 0;
            }
        }

        return 0;
    }

    /// <summary>
    /// Compiles and runs one trivial submission, so that the C# compiler's one-time start (a second or two,
    /// far more on a busy machine) is not counted in the first notebook's first cell and its timeout.
    /// </summary>
    private static async Task WarmUpAsync()
    {
        try
        {
            using var kernel = InProcessKernel.Create();
            await kernel.SendAsync(new Microsoft.DotNet.Interactive.Commands.SubmitCode("0", NotebookFile.DefaultKernelName));
        }
        catch (Exception)
        {
            // Only a head start: the notebooks report whatever is wrong with the kernel themselves.
        }
    }

    /// <summary>Turns the executor's events into protocol lines, flushed at once.</summary>
    private sealed class Reporter(StreamWriter output, string marker) : IExecutionObserver
    {
        public int Id { get; set; }

        public void NotebookStarted(NotebookFile notebook) =>
            Write(WorkerProtocol.Started, JsonSerializer.Serialize(new WorkerStarted(Id, notebook.ToJson()), WorkerProtocol.Json));

        public void CellFinished(NotebookFile notebook, CellResult result) =>
            Write(WorkerProtocol.Cell, RunRecord.CellToJson(result));

        public void NotebookFinished(NotebookRun run) =>
            Write(WorkerProtocol.Finished, JsonSerializer.Serialize(new WorkerFinished(run.Duration.Ticks, run.Error), WorkerProtocol.Json));

        private void Write(string kind, string payload)
        {
            lock (output)
            {
                output.Write(WorkerProtocol.Line(marker, kind, payload) + "\n");
                output.Flush();
            }
        }
    }
}
