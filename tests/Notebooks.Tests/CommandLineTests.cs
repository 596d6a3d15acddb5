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
        var notebook = Repository.CopyTestData("01-broken.ipynb", folder);

        var (exitCode, output, error) = await RunAsync(notebook, "--output", Path.Combine(folder, "book"), "--cell-timeout", "120");

        Assert.Equal(1, exitCode);
        Assert.Contains("[01-broken] cell 2/5 ok", output);
        Assert.Contains("01-broken.ipynb, cell 4 of 5 (code cell 2) failed", error);
        Assert.Contains("error CS0029", error);
        Assert.True(File.Exists(Path.Combine(folder, "book", "index.html")));
    }

    [Fact]
    public async Task A_cell_that_exits_the_process_fails_the_run_with_exit_code_1_and_the_book_is_written()
    {
        var folder = Repository.NewTempFolder("cli-exit");
        var exits = Repository.CopyTestData("exits.ipynb", folder);
        var next = Repository.CopyTestData("04-try-it.ipynb", folder);

        var (exitCode, output, error) = await RunAsync(exits, next, "--output", Path.Combine(folder, "book"));

        Assert.Equal(1, exitCode);
        Assert.Contains("exits.ipynb, cell 3 of 4 (code cell 2) failed", error);
        Assert.Contains("crashed: the notebook's process exited with code 0", error);
        Assert.Contains("[04-try-it] ok", output);
        Assert.True(File.Exists(Path.Combine(folder, "book", "index.html")));
        Assert.True(File.Exists(Path.Combine(folder, "book", "exits.html")));
    }

    [Fact]
    public async Task A_notebook_name_that_matches_nothing_is_a_usage_error()
    {
        var (exitCode, _, error) = await RunAsync("no-such-lesson", "--output", Repository.NewTempFolder("cli-none"));

        Assert.Equal(2, exitCode);
        Assert.Contains("No notebook matches \"no-such-lesson\"", error);
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("4233601")]
    [InlineData("1e300")]
    [InlineData("1e-300")]
    [InlineData("soon")]
    public async Task A_bad_cell_timeout_is_a_usage_error_named_in_one_line_before_anything_runs(string timeout)
    {
        var folder = Repository.NewTempFolder("cli-timeout");
        var notebook = Repository.CopyTestData("01-broken.ipynb", folder);

        var (exitCode, output, error) = await RunAsync(notebook, "--output", Path.Combine(folder, "book"), "--cell-timeout", timeout);

        Assert.Equal(2, exitCode);
        var first = error.Split('\n')[0];
        Assert.Contains("--cell-timeout", first);
        Assert.Contains(timeout, first);
        Assert.DoesNotContain("   at ", error);
        Assert.DoesNotContain("[01-broken]", output);
        Assert.False(Directory.Exists(Path.Combine(folder, "book")), "the book folder was made for a usage error");
    }

    [Fact]
    public async Task An_output_folder_that_cannot_be_written_is_a_usage_error_before_anything_runs()
    {
        var folder = Repository.NewTempFolder("cli-output");
        var notebook = Repository.CopyTestData("01-broken.ipynb", folder);
        var aFile = Path.Combine(folder, "a-file");
        File.WriteAllText(aFile, "");

        var (exitCode, output, error) = await RunAsync(notebook, "--output", Path.Combine(aFile, "book"));

        Assert.Equal(2, exitCode);
        Assert.StartsWith($"--output: expected a folder the book can be written to; got {Path.Combine(aFile, "book")}", error);
        Assert.Single(error.Trim().Split('\n'));
        Assert.DoesNotContain("[01-broken]", output);
    }

    [Fact]
    public async Task A_record_file_in_a_missing_folder_is_a_usage_error_before_anything_runs()
    {
        var folder = Repository.NewTempFolder("cli-record");
        var notebook = Repository.CopyTestData("01-broken.ipynb", folder);
        var record = Path.Combine(folder, "missing", "run.json");

        var (exitCode, output, error) = await RunAsync(notebook, "--output", Path.Combine(folder, "book"), "--record", record);

        Assert.Equal(2, exitCode);
        Assert.StartsWith($"--record: expected a file in a folder that exists and can be written to; got {record} (its folder does not exist)", error);
        Assert.DoesNotContain("[01-broken]", output);
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
