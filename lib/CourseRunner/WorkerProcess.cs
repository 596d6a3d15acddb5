using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace CourseRunner;

/// <summary>A message from a notebook worker: its kind (<see cref="WorkerProtocol"/>) and JSON payload.</summary>
internal sealed record WorkerMessage(string Kind, string Payload);

/// <summary>
/// One notebook worker as the runner sees it: a child process (<c>dotnet CourseRunner.dll --notebook-worker</c>)
/// given its notebooks up front, read message by message. What the process prints besides the protocol
/// is kept (the head of it, bounded) so that a crash can be reported with its last words.
/// </summary>
internal sealed class WorkerProcess : IAsyncDisposable
{
    /// <summary>How many lines of what a worker prints in a notebook are kept for a crash report (its head).</summary>
    private const int PrintedLines = 10;

    /// <summary>How long a kept line may be.</summary>
    private const int PrintedLineLength = 200;

    /// <summary>How long to wait for the rest of the output once the process has exited.</summary>
    private static readonly TimeSpan DrainPeriod = TimeSpan.FromSeconds(2);

    private readonly Process _process;
    private readonly string _marker;
    private readonly Channel<WorkerMessage> _messages = Channel.CreateUnbounded<WorkerMessage>();
    private readonly List<string> _printed = [];
    private int _printedDropped;
    private Task _errors = Task.CompletedTask;

    private WorkerProcess(Process process, string marker)
    {
        _process = process;
        _marker = marker;
    }

    /// <summary>Starts a worker and hands it <paramref name="requests"/> (run in order).</summary>
    public static async Task<WorkerProcess> StartAsync(IReadOnlyList<WorkerRequest> requests)
    {
        var marker = "@course-runner-" + Guid.NewGuid().ToString("N");
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            StandardInputEncoding = new UTF8Encoding(false),
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(WorkerProcess).Assembly.Location);
        start.ArgumentList.Add(WorkerProtocol.Command);
        start.ArgumentList.Add(marker);
        WorkerJitSettings.ApplyTo(start.Environment, requests.Count);

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");
        var worker = new WorkerProcess(process, marker);
        _ = Task.Run(worker.PumpOutputAsync);
        worker._errors = Task.Run(worker.PumpErrorsAsync);
        _ = Task.Run(worker.CompleteAfterExitAsync);

        try
        {
            foreach (var request in requests)
            {
                await process.StandardInput.WriteLineAsync(JsonSerializer.Serialize(request, WorkerProtocol.Json));
            }

            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The worker died before reading its notebooks: that is reported as its crash.
        }

        return worker;
    }

    /// <summary>
    /// The next message; null once the worker has exited and said everything it had to say.
    /// </summary>
    /// <exception cref="TimeoutException">The worker said nothing for <paramref name="silenceLimit"/>.</exception>
    public async Task<WorkerMessage?> ReadAsync(TimeSpan silenceLimit, CancellationToken cancellationToken)
    {
        using var silence = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        silence.CancelAfter(silenceLimit);
        try
        {
            return await _messages.Reader.WaitToReadAsync(silence.Token) && _messages.Reader.TryRead(out var message)
                ? message
                : null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The notebook worker said nothing for {silenceLimit.TotalSeconds:0} s.");
        }
    }

    /// <summary>
    /// The worker's exit code, once it has exited and its standard error has been read (a crash's last
    /// words arrive there); call after <see cref="ReadAsync"/> returned null.
    /// </summary>
    public async Task<int> ExitCodeAsync()
    {
        await _process.WaitForExitAsync();
        await Task.WhenAny(_errors, Task.Delay(DrainPeriod));
        return _process.ExitCode;
    }

    /// <summary>What the process printed outside the protocol since the last call, its head kept; then forgets it.</summary>
    public string TakePrinted()
    {
        lock (_printed)
        {
            var text = string.Join(Environment.NewLine, _printed).TrimEnd();
            if (_printedDropped > 0)
            {
                text += $"{Environment.NewLine}(and {_printedDropped} more lines)";
            }

            _printed.Clear();
            _printedDropped = 0;
            return text;
        }
    }

    /// <summary>Ends the worker and anything it started.</summary>
    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private async Task PumpOutputAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (WorkerProtocol.TryRead(line, _marker, out var kind, out var payload))
            {
                _messages.Writer.TryWrite(new WorkerMessage(kind, payload));
            }
            else
            {
                Keep(line);
            }
        }

        _messages.Writer.TryComplete();
    }

    private async Task PumpErrorsAsync()
    {
        while (await _process.StandardError.ReadLineAsync() is { } line)
        {
            Keep(line);
        }
    }

    /// <summary>
    /// A process the worker started (e.g. a package restore) may hold its output open after it exited:
    /// the exit, not the end of the output, ends the conversation.
    /// </summary>
    private async Task CompleteAfterExitAsync()
    {
        await _process.WaitForExitAsync();
        await Task.Delay(DrainPeriod);
        _messages.Writer.TryComplete();
    }

    private void Keep(string line)
    {
        lock (_printed)
        {
            if (_printed.Count < PrintedLines)
            {
                _printed.Add(line.Length <= PrintedLineLength ? line : line[..PrintedLineLength] + "…");
            }
            else
            {
                _printedDropped++;
            }
        }
    }

    /// <summary>The dotnet host that runs this process, else the one on the PATH.</summary>
    private static string DotnetHost()
    {
        if (Environment.ProcessPath is { } current && Path.GetFileNameWithoutExtension(current) == "dotnet")
        {
            return current;
        }

        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
    }
}
