using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace Notebooks.Tests;

/// <summary>
/// Runs a notebook through the real engine: the dotnet-repl local tool (the kernel VS Code and Jupyter
/// use), with <c>--run X.ipynb --exit-after-run --output-path out.ipynb --working-dir notebooks/</c>.
/// dotnet-repl runs every cell even after a failure and exits 2 when any cell failed.
/// dotnet-repl 0.3.259 leaves the kernel in the directory it was started from whatever
/// <c>--working-dir</c> says, so the process itself starts in the notebooks folder: relative paths in
/// cells resolve as in VS Code, and the tool manifest is still found from there.
/// </summary>
internal static class DotnetRepl
{
    /// <summary>Generous: the first run restores NuGet packages.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    /// <summary>What a run produced.</summary>
    public sealed record Result(int ExitCode, string StandardOutput, string StandardError, string OutputNotebook, TimeSpan Duration)
    {
        /// <summary>A failure message: the command, exit code, the errors in the executed notebook, and the tool's output.</summary>
        public string Describe(string notebook) =>
            $"""
             dotnet-repl exited with {ExitCode} for {notebook} after {Duration.TotalSeconds:0.0} s.
             Errors in the executed notebook ({OutputNotebook}), cells numbered from 1 counting every cell:
             {CellErrors(OutputNotebook)}
             --- stdout (last 4000 characters) ---
             {Tail(StandardOutput)}
             --- stderr ---
             {Tail(StandardError)}
             """;
    }

    /// <summary>Runs <paramref name="notebookPath"/> with the notebooks folder as working directory.</summary>
    public static async Task<Result> RunAsync(string notebookPath, string workingDirectory, string outputFolder)
    {
        await ToolsRestored.Value;
        var output = Path.Combine(outputFolder, Path.GetFileName(notebookPath));
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList =
            {
                "tool", "run", "dotnet-repl", "--run", notebookPath, "--exit-after-run",
                "--output-path", output, "--working-dir", workingDirectory,
            },
        };
        WorkerJitSettings.UseDefaults(start.Environment); // as a learner runs it, whatever this test process has
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return new Result(-1, await stdout + $"\n(killed: no exit after {Timeout.TotalMinutes} minutes)", await stderr, output, clock.Elapsed);
        }

        return new Result(process.ExitCode, await stdout, await stderr, output, clock.Elapsed);
    }

    // `dotnet test` is the whole test command on a fresh clone, so the local tools are restored
    // here, once per test run, rather than left as a setup step to remember.
    private static readonly Lazy<Task> ToolsRestored = new(RestoreToolsAsync);

    private static async Task RestoreToolsAsync()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Repository.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { "tool", "restore" },
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"`dotnet tool restore` failed with exit code {process.ExitCode}:\n{await stdout}\n{await stderr}");
    }

    private static string CellErrors(string executedNotebook)
    {
        if (!File.Exists(executedNotebook))
        {
            return "(no executed notebook was written)";
        }

        var errors = new StringBuilder();
        var cells = JsonNode.Parse(File.ReadAllText(executedNotebook))?["cells"]?.AsArray() ?? [];
        for (var i = 0; i < cells.Count; i++)
        {
            foreach (var output in cells[i]?["outputs"]?.AsArray() ?? [])
            {
                if ((string?)output?["output_type"] == "error")
                {
                    errors.AppendLine($"cell {i + 1}: {(string?)output["evalue"]}");
                }
            }
        }

        return errors.Length > 0 ? errors.ToString() : "(none)";
    }

    private static string Tail(string text) => text.Length <= 4000 ? text : "..." + text[^4000..];
}
