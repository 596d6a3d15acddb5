namespace Notebooks.Tests;

/// <summary>
/// Every lesson runs through the real engine (dotnet-repl), as written and with other "Try it" inputs:
/// a notebook that passes in-process but fails here is broken for learners.
/// </summary>
public sealed class RealEngineNotebookTests
{
    [Theory]
    [MemberData(nameof(LessonNotebooks.FileNames), MemberType = typeof(LessonNotebooks))]
    public async Task Lesson_runs_in_dotnet_repl(string notebook)
    {
        if (LessonNotebooks.PathOf(notebook) is not { } path)
        {
            return;
        }

        var result = await DotnetRepl.RunAsync(path, Repository.NotebooksFolder, Repository.NewTempFolder("repl"));

        Assert.True(result.ExitCode == 0, result.Describe(notebook));
    }

    [Theory]
    [MemberData(nameof(LessonNotebooks.FileNames), MemberType = typeof(LessonNotebooks))]
    public async Task Lesson_runs_in_dotnet_repl_with_alternate_inputs(string notebook)
    {
        if (LessonNotebooks.PathOf(notebook) is not { } path)
        {
            return;
        }

        // The copy lives in a temp folder; --working-dir keeps relative paths resolving against notebooks/.
        var folder = Repository.NewTempFolder("repl-alternate");
        var copy = Path.Combine(folder, "input", notebook);
        Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
        NotebookFile.WriteWithInjectedParameters(path, AlternateInputs.For(notebook), copy);

        var result = await DotnetRepl.RunAsync(copy, Repository.NotebooksFolder, folder);

        Assert.True(result.ExitCode == 0, result.Describe(notebook + " with alternate inputs"));
    }
}
