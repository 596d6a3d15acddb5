namespace Notebooks.Tests;

/// <summary>
/// Every lesson runs through the real engine (dotnet-repl), as written: a notebook that passes in-process
/// but fails here is broken for learners. Alternate "Try it" inputs run in-process only
/// (<see cref="AlternateInputRuns"/>): they change the inputs, not the engine.
/// </summary>
[Trait("Category", "RealEngine")]
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
}
