using System.CommandLine;
using System.Globalization;
using CourseRunner;

// The course's main command: runs the lesson notebooks, each in a fresh kernel in a worker process, and
// writes the HTML book. The same program is that worker when started with WorkerProtocol.Command.
if (args is [WorkerProtocol.Command, var marker])
{
    // Exit at once: a cell stopped by its timeout may have left a thread running.
    Environment.Exit(await NotebookWorker.RunAsync(marker));
}

var notebooksArgument = new Argument<string[]>("notebooks")
{
    Description = "Notebooks to run: names (02-padding-mask), file names, globs (\"0*\") or paths. Default: every notebook under notebooks/.",
    Arity = ArgumentArity.ZeroOrMore,
};
var notebooksOption = new Option<string[]>("--notebooks", "-n")
{
    Description = "Same as the positional notebooks; may be repeated.",
    AllowMultipleArgumentsPerToken = true,
};
var outputOption = new Option<string?>("--output", "-o")
{
    Description = "Folder for the book and the executed notebooks. Default: artifacts/book under the repository root.",
};
var timeoutOption = new Option<double>("--cell-timeout")
{
    Description = "Seconds a cell may run before it is stopped and reported as timed out.",
    DefaultValueFactory = _ => ExecutionOptions.DefaultCellTimeout.TotalSeconds,
};
var parametersOption = new Option<string?>("--parameters", "-p")
{
    Description = "C# code injected in a new cell right after each notebook's \"Try it\" cell (tagged \"parameters\"), "
                  + "e.g. \"sentence = \\\"the cat sat\\\"; maxLength = 7;\".",
};

var recordOption = new Option<string?>("--record")
{
    Description = "Also write the whole run (every cell's status, outputs and time) as JSON to this file, "
                  + "for tools that read it back (the tests share one run of the lessons this way).",
};

var root = new RootCommand("Runs the Attention Masks notebooks in-process and writes the HTML book (exit code 1 if a notebook fails).")
{
    notebooksArgument, notebooksOption, outputOption, timeoutOption, parametersOption, recordOption,
};

root.SetAction(async (parseResult, cancellationToken) =>
{
    var repositoryRoot = RepositoryLayout.FindRoot();
    var output = parseResult.GetValue(outputOption);
    if (repositoryRoot is null && output is null)
    {
        Console.Error.WriteLine($"No {RepositoryLayout.SolutionFileName} found above {Environment.CurrentDirectory}; run from the course repository or pass --output.");
        return 2;
    }

    // Every option is checked before anything runs: a usage error is one line and exit code 2.
    var timeout = parseResult.GetValue(timeoutOption);
    var maxTimeout = ExecutionOptions.MaxCellTimeout.TotalSeconds;
    if (!(timeout >= 0.001 && timeout <= maxTimeout))
    {
        var typed = parseResult.GetResult(timeoutOption)?.Tokens.FirstOrDefault()?.Value ?? timeout.ToString(CultureInfo.InvariantCulture);
        Console.Error.WriteLine($"--cell-timeout: expected a number of seconds from 0.001 to {maxTimeout.ToString(CultureInfo.InvariantCulture)} "
                                + $"({ExecutionOptions.MaxCellTimeout.TotalDays:0} days); got {typed}.");
        return 2;
    }

    var patterns = (parseResult.GetValue(notebooksArgument) ?? [])
        .Concat(parseResult.GetValue(notebooksOption) ?? [])
        .ToArray();
    var notebooksFolder = RepositoryLayout.NotebooksFolder(repositoryRoot ?? Environment.CurrentDirectory);
    IReadOnlyList<string> notebooks;
    try
    {
        notebooks = NotebookSelection.Resolve(notebooksFolder, patterns);
    }
    catch (ArgumentException e)
    {
        Console.Error.WriteLine(e.Message);
        return 2;
    }

    if (notebooks.Count == 0)
    {
        Console.WriteLine($"No notebooks under {notebooksFolder} yet.");
    }

    var bookFolder = Path.GetFullPath(output ?? RepositoryLayout.DefaultBookFolder(repositoryRoot!));
    if (WritableFolder.WhyNotWritable(bookFolder) is { } why)
    {
        Console.Error.WriteLine($"--output: expected a folder the book can be written to; got {bookFolder} ({why})");
        return 2;
    }

    var record = parseResult.GetValue(recordOption) is { } recordPath ? Path.GetFullPath(recordPath) : null;
    if (record is not null && RecordFileProblem(record) is { } recordProblem)
    {
        Console.Error.WriteLine($"--record: expected a file in a folder that exists and can be written to; got {record} ({recordProblem})");
        return 2;
    }

    var options = new ExecutionOptions
    {
        CellTimeout = TimeSpan.FromSeconds(timeout),
        Parameters = parseResult.GetValue(parametersOption),
    };

    var clock = System.Diagnostics.Stopwatch.StartNew();
    var report = await CourseRun.RunAsync(notebooks, bookFolder, options, new ConsoleProgress(), cancellationToken);
    var wholeRun = clock.Elapsed;

    if (record is not null)
    {
        RunRecord.Save(report, record);
    }

    Console.WriteLine();
    Console.WriteLine(ConsoleProgress.Summary(report.Runs));
    Console.WriteLine($"whole run {wholeRun.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture)}s "
                      + "(the sum, plus starting the notebook worker process and writing the book)");
    Console.WriteLine();
    Console.WriteLine($"Book: {Path.Combine(report.BookFolder, "index.html")}");
    if (report.Succeeded)
    {
        Console.WriteLine($"All {report.Runs.Count} notebooks ran without error.");
    }
    else
    {
        Console.Error.WriteLine($"{report.Failures.Count} of {report.Runs.Count} notebooks failed (cells numbered from 1, counting every cell):");
        foreach (var failure in report.Failures)
        {
            Console.Error.WriteLine(failure);
        }
    }

    return report.ExitCode;
});

// The live playground (lib/Playground): publish it as a static folder, or serve it with the book on 127.0.0.1.
var publishOutputOption = new Option<string?>("--output", "-o")
{
    Description = "Folder to publish into; its wwwroot/ is the static folder. Default: artifacts/playground.",
};
var playgroundCommand = new Command("playground", "Publishes the live playground (Blazor WebAssembly, trimmed) as a static folder any static host can serve.")
{
    publishOutputOption,
};
playgroundCommand.SetAction(async (parseResult, cancellationToken) =>
{
    if (RepositoryLayout.FindRoot() is not { } repositoryRoot)
    {
        Console.Error.WriteLine($"No {RepositoryLayout.SolutionFileName} found above {Environment.CurrentDirectory}; run from the course repository.");
        return 2;
    }

    var folder = Path.GetFullPath(parseResult.GetValue(publishOutputOption) ?? PlaygroundSite.DefaultFolder(repositoryRoot));
    var code = await PlaygroundSite.PublishAsync(repositoryRoot, folder, Console.Out, cancellationToken);
    if (code == 0)
    {
        Console.WriteLine($"The playground's static folder: {PlaygroundSite.StaticFolder(folder)}");
    }

    return code;
});

var portOption = new Option<int>("--port")
{
    Description = "Port on 127.0.0.1 (loopback only).",
    DefaultValueFactory = _ => 5180,
};
var serveCommand = new Command("serve", "Serves the book and the live playground on http://127.0.0.1:PORT/ (loopback only), "
                                        + "running the lessons first if there is no book yet and publishing the playground if it is missing or older than its sources.")
{
    portOption,
};
serveCommand.SetAction(async (parseResult, cancellationToken) =>
{
    if (RepositoryLayout.FindRoot() is not { } repositoryRoot)
    {
        Console.Error.WriteLine($"No {RepositoryLayout.SolutionFileName} found above {Environment.CurrentDirectory}; run from the course repository.");
        return 2;
    }

    var port = parseResult.GetValue(portOption);
    if (port is < 1 or > 65535)
    {
        Console.Error.WriteLine($"--port: expected a port from 1 to 65535; got {port}.");
        return 2;
    }

    var bookFolder = RepositoryLayout.DefaultBookFolder(repositoryRoot);
    if (!File.Exists(Path.Combine(bookFolder, "index.html")))
    {
        Console.WriteLine("No book yet: running the lessons first.");
        var lessons = RepositoryLayout.Lessons(RepositoryLayout.NotebooksFolder(repositoryRoot));
        var report = await CourseRun.RunAsync(lessons, bookFolder, new ExecutionOptions(), new ConsoleProgress(), cancellationToken);
        Console.WriteLine(ConsoleProgress.Summary(report.Runs));
    }

    var playground = PlaygroundSite.DefaultFolder(repositoryRoot);
    if (!PlaygroundSite.IsCurrent(repositoryRoot, playground))
    {
        var code = await PlaygroundSite.PublishAsync(repositoryRoot, playground, Console.Out, cancellationToken);
        if (code != 0)
        {
            Console.Error.WriteLine("The playground did not publish (see above).");
            return code;
        }
    }

    using var server = new SiteServer(bookFolder, PlaygroundSite.StaticFolder(playground), port);
    Console.WriteLine($"The book:       {server.Address}");
    Console.WriteLine($"The playground: {server.PlaygroundAddress}");
    Console.WriteLine("Listening on 127.0.0.1 only. Ctrl+C stops.");
    try
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
    }
    catch (OperationCanceledException)
    {
    }

    return 0;
});

root.Subcommands.Add(playgroundCommand);
root.Subcommands.Add(serveCommand);

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    // One line per error, naming the option, what it expects and what it got (System.CommandLine's own text).
    foreach (var error in parsed.Errors)
    {
        Console.Error.WriteLine(error.Message + " See --help.");
    }

    return 2;
}

return await parsed.InvokeAsync();

// Why the run record cannot be written to path (a file in an existing folder), or null.
static string? RecordFileProblem(string path)
{
    if (Directory.Exists(path))
    {
        return "it is a folder";
    }

    if (Path.GetDirectoryName(path) is not { } folder || !Directory.Exists(folder))
    {
        return "its folder does not exist";
    }

    return WritableFolder.WhyNotWritable(folder);
}
