using Xunit.Abstractions;

namespace Notebooks.Tests;

/// <summary>
/// Every lesson runs cell by cell in-process with CourseRunner's engine, as written (with other "Try it" inputs:
/// <see cref="AlternateInputRuns"/>). The run as written is the one the whole test run shares
/// (<see cref="SharedLessonRun"/>): the book tests open the book it wrote, so the lessons run once in-process per
/// test run.
/// </summary>
[Trait("Category", "InProcess")]
public sealed class InProcessNotebookTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(LessonNotebooks.FileNames), MemberType = typeof(LessonNotebooks))]
    public async Task Lesson_runs_in_process(string notebook)
    {
        if (LessonNotebooks.PathOf(notebook) is null)
        {
            return;
        }

        var run = (await SharedLessonRun.GetAsync()).RunOf(notebook);

        output.WriteLine($"{notebook}: {run.Duration.TotalSeconds:0.0} s; {SharedLessonRun.Provenance}");
        Assert.True(run.Succeeded, run.FailureSummary);
    }
}
