using System.Xml.Linq;

namespace Notebooks.Tests;

/// <summary>
/// Processes that run many notebooks compile with <see cref="WorkerJitSettings"/>: a notebook worker given the
/// course's worth of notebooks and the test processes themselves (through tests/notebooks.runsettings); a worker
/// with a few notebooks starts with the runtime's defaults, even from this test process.
/// </summary>
[Trait("Category", "InProcess")]
public sealed class JitSettingsTests
{
    private static readonly string[] Names = ["DOTNET_TC_CallCountingDelayMs", "DOTNET_TieredPGO"];

    [Fact]
    public void The_run_settings_name_the_same_variables_as_the_worker()
    {
        var file = Path.Combine(Repository.Root, "tests", "notebooks.runsettings");
        var variables = XDocument.Load(file).Descendants("EnvironmentVariables").Single().Elements()
            .ToDictionary(e => e.Name.LocalName, e => e.Value);

        Assert.Equal(WorkerJitSettings.Variables.OrderBy(v => v.Key), variables.OrderBy(v => v.Key));
        Assert.Equal(Names.Order(), WorkerJitSettings.Variables.Keys.Order());
    }

    [Fact]
    public void The_test_process_runs_with_them()
    {
        foreach (var (name, value) in WorkerJitSettings.Variables)
        {
            Assert.True(Environment.GetEnvironmentVariable(name) == value,
                $"{name} is '{Environment.GetEnvironmentVariable(name)}' in the test process, expected '{value}': " +
                "run the tests with tests/notebooks.runsettings (Directory.Build.props names it).");
        }
    }

    [Fact]
    public async Task A_worker_given_the_course_s_worth_of_notebooks_runs_with_them()
    {
        var printed = await PrintedByWorkerAsync(WorkerJitSettings.MinimumNotebooks);

        var expected = string.Concat(Names.Select(name => $"{name}={WorkerJitSettings.Variables[name]}\n"));
        Assert.All(printed, p => Assert.Equal(expected, p));
    }

    [Fact]
    public async Task A_worker_given_fewer_notebooks_runs_with_the_runtime_s_defaults()
    {
        var printed = await PrintedByWorkerAsync(WorkerJitSettings.MinimumNotebooks - 1);

        var expected = string.Concat(Names.Select(name => $"{name}=\n"));
        Assert.All(printed, p => Assert.Equal(expected, p));
    }

    /// <summary>What each of <paramref name="count"/> copies of the notebook that prints the settings printed, run in one worker.</summary>
    private static async Task<string[]> PrintedByWorkerAsync(int count)
    {
        var folder = Repository.NewTempFolder("jit");
        var notebooks = Enumerable.Range(1, count)
            .Select(k => Repository.CopyTestData("jit-settings.ipynb", folder, $"jit-settings-{k}.ipynb")).ToArray();

        var report = await CourseRun.RunAsync(notebooks, Path.Combine(folder, "book"), observer: new ConsoleProgress(new StringWriter()));

        Assert.Equal(count, report.Runs.Count);
        Assert.All(report.Runs, run => Assert.True(run.Succeeded, run.FailureSummary));
        return report.Runs.Select(run => string.Concat(run.Cells[1].Outputs.Select(o => o.PlainText)).ReplaceLineEndings("\n")).ToArray();
    }
}

/// <summary>The real engine runs as a learner's does, with the runtime's defaults, even from a test process that has the settings.</summary>
[Trait("Category", "RealEngine")]
public sealed class RealEngineJitSettingsTests
{
    [Fact]
    public async Task Dotnet_repl_runs_with_the_runtime_s_defaults()
    {
        var folder = Repository.NewTempFolder("jit-repl");
        var notebook = Repository.CopyTestData("jit-settings.ipynb", folder);

        var result = await DotnetRepl.RunAsync(notebook, Repository.NotebooksFolder, Repository.NewTempFolder("jit-repl-out"));

        Assert.True(result.ExitCode == 0, result.Describe("jit-settings.ipynb"));
        var printed = string.Concat(System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(result.OutputNotebook))!["cells"]!.AsArray()
            .SelectMany(cell => cell!["outputs"]?.AsArray() ?? [])
            .Select(output => output!["text"] is { } text ? TextOf(text) : TextOf(output["data"]?["text/plain"])))
            .ReplaceLineEndings("\n");
        Assert.Contains("DOTNET_TC_CallCountingDelayMs=\n", printed);
        Assert.Contains("DOTNET_TieredPGO=\n", printed);
    }

    private static string TextOf(System.Text.Json.Nodes.JsonNode? text) => text switch
    {
        null => "",
        System.Text.Json.Nodes.JsonArray lines => string.Concat(lines.Select(line => line?.GetValue<string>())),
        _ => text.GetValue<string>(),
    };
}
