using System.Diagnostics;

namespace Notebooks.Tests;

/// <summary>The course's main command, run as a process: options, exit code and failure report.</summary>
[Trait("Category", "InProcess")]
public sealed class CommandLineTests
{
    [Fact]
    public async Task Help_lists_the_options()
    {
        var (exitCode, output, _) = await RunAsync("--help");

        Assert.Equal(0, exitCode);
        foreach (var option in new[] { "<notebooks>", "--notebooks", "--output", "--cell-timeout", "--parameters", "--record" })
        {
            Assert.Contains(option, output);
        }
    }

    [Fact]
    public async Task A_failing_notebook_gives_a_non_zero_exit_code_and_its_name_cell_and_error()
    {
        var folder = Repository.NewTempFolder("cli");
        var notebook = Path.Combine(folder, "01-broken.ipynb");
        File.Copy(Path.Combine(Repository.TestData, "01-broken.ipynb"), notebook);

        var (exitCode, output, error) = await RunAsync(notebook, "--output", Path.Combine(folder, "book"), "--cell-timeout", "120");

        Assert.Equal(1, exitCode);
        Assert.Contains("[01-broken] cell 2/5 ok", output);
        Assert.Contains("01-broken.ipynb, cell 4 of 5 (code cell 2) failed", error);
        Assert.Contains("error CS0029", error);
        Assert.True(File.Exists(Path.Combine(folder, "book", "index.html")));
    }

    [Fact]
    public async Task A_notebook_name_that_matches_nothing_is_a_usage_error()
    {
        var (exitCode, _, error) = await RunAsync("no-such-lesson", "--output", Repository.NewTempFolder("cli-none"));

        Assert.Equal(2, exitCode);
        Assert.Contains("No notebook matches \"no-such-lesson\"", error);
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Repository.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(typeof(CourseRun).Assembly.Location);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }
}
