namespace Notebooks.Tests;

/// <summary>Every lesson runs cell by cell in-process with CourseRunner's engine, as written and with other "Try it" inputs.</summary>
public sealed class InProcessNotebookTests
{
    [Theory]
    [MemberData(nameof(LessonNotebooks.FileNames), MemberType = typeof(LessonNotebooks))]
    public async Task Lesson_runs_in_process(string notebook)
    {
        if (LessonNotebooks.PathOf(notebook) is not { } path)
        {
            return;
        }

        var run = await new NotebookExecutor().RunAsync(path);

        Assert.True(run.Succeeded, run.FailureSummary);
    }

    [Theory]
    [MemberData(nameof(LessonNotebooks.FileNames), MemberType = typeof(LessonNotebooks))]
    public async Task Lesson_runs_in_process_with_alternate_inputs(string notebook)
    {
        if (LessonNotebooks.PathOf(notebook) is not { } path)
        {
            return;
        }

        var parameters = AlternateInputs.For(notebook);
        var run = await new NotebookExecutor(new ExecutionOptions { Parameters = parameters }).RunAsync(path);

        Assert.True(run.Succeeded, $"With the alternate inputs {parameters}:\n{run.FailureSummary}");
    }
}
