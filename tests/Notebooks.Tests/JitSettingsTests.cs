using System.Xml.Linq;

namespace Notebooks.Tests;

/// <summary>
/// Every process that runs many notebooks compiles with <see cref="WorkerJitSettings"/>: the notebook worker and
/// the test processes themselves (through tests/notebooks.runsettings).
/// </summary>
[Trait("Category", "InProcess")]
public sealed class JitSettingsTests
{
    [Fact]
    public void The_run_settings_name_the_same_variables_as_the_worker()
    {
        var file = Path.Combine(Repository.Root, "tests", "notebooks.runsettings");
        var variables = XDocument.Load(file).Descendants("EnvironmentVariables").Single().Elements()
            .ToDictionary(e => e.Name.LocalName, e => e.Value);

        Assert.Equal(WorkerJitSettings.Variables.OrderBy(v => v.Key), variables.OrderBy(v => v.Key));
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
    public async Task The_notebook_worker_runs_with_them()
    {
        var folder = Repository.NewTempFolder("jit");
        var notebook = Path.Combine(folder, "jit-settings.ipynb");
        File.Copy(Path.Combine(Repository.TestData, "jit-settings.ipynb"), notebook);

        var report = await CourseRun.RunAsync([notebook], Path.Combine(folder, "book"), observer: new ConsoleProgress(new StringWriter()));

        var run = report.Runs.Single();
        Assert.True(run.Succeeded, run.FailureSummary);
        var printed = string.Concat(run.Cells[1].Outputs.Select(o => o.PlainText)).ReplaceLineEndings("\n");
        var expected = string.Concat(new[] { "DOTNET_TC_CallCountingDelayMs", "DOTNET_TieredPGO" }
            .Select(name => $"{name}={WorkerJitSettings.Variables[name]}\n"));
        Assert.Equal(expected, printed);
    }
}
