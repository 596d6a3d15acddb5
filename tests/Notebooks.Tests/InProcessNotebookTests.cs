using Xunit.Abstractions;

namespace Notebooks.Tests;

/// <summary>
/// Every lesson runs cell by cell in-process with CourseRunner's engine, as written and with other "Try it"
/// inputs. The run as written is the one the whole test run shares (<see cref="SharedLessonRun"/>): the book
/// tests open the book it wrote, so the lessons run once in-process per test run.
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

    /// <summary>Set 1 is a second set of "Try it" inputs; the others are the inputs the lesson's exercises ask for.</summary>
    [Theory]
    [MemberData(nameof(AlternateInputs.Rows), MemberType = typeof(AlternateInputs))]
    public async Task Lesson_runs_in_process_with_alternate_inputs(string notebook, int set)
    {
        if (LessonNotebooks.PathOf(notebook) is not { } path)
        {
            return;
        }

        var sets = AlternateInputs.For(notebook);
        Assert.InRange(set, 1, sets.Count);
        var parameters = sets[set - 1];
        var run = await new NotebookExecutor(new ExecutionOptions { Parameters = parameters }).RunAsync(path);

        Assert.True(run.Succeeded, $"With the alternate inputs {parameters}:\n{run.FailureSummary}");
    }
}
