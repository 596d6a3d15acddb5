namespace Notebooks.Tests;

/// <summary>
/// Every lesson runs cell by cell in-process with other "Try it" inputs (<see cref="AlternateInputs"/>): set 1 is a
/// second set of inputs, the others are the inputs the lesson's exercises ask for. The runs are shared between two
/// test classes, alternate rows each, so that the test run can run two of them at once (xunit runs one class's
/// tests one after another).
/// </summary>
public static class AlternateInputRuns
{
    /// <summary>The rows of <see cref="AlternateInputs.Rows"/> at even (0) or odd (1) positions.</summary>
    public static TheoryData<string, int> Half(int half)
    {
        var data = new TheoryData<string, int>();
        foreach (var (row, index) in AlternateInputs.Rows().Select((row, index) => (row, index)).Where(r => r.index % 2 == half))
        {
            data.Add((string)row[0], (int)row[1]);
        }

        return data;
    }

    public static TheoryData<string, int> FirstHalf() => Half(0);

    public static TheoryData<string, int> SecondHalf() => Half(1);

    /// <summary>Runs <paramref name="notebook"/> with its set of inputs number <paramref name="set"/> and asserts it ran to the end.</summary>
    public static async Task AssertRunsAsync(string notebook, int set)
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

/// <summary>Half of the lessons' runs with other inputs (<see cref="AlternateInputRuns"/>).</summary>
[Trait("Category", "InProcess")]
public sealed class AlternateInputRunTests
{
    [Theory]
    [MemberData(nameof(AlternateInputRuns.FirstHalf), MemberType = typeof(AlternateInputRuns))]
    public Task Lesson_runs_in_process_with_alternate_inputs(string notebook, int set) => AlternateInputRuns.AssertRunsAsync(notebook, set);
}

/// <summary>The other half of the lessons' runs with other inputs (<see cref="AlternateInputRuns"/>).</summary>
[Trait("Category", "InProcess")]
public sealed class MoreAlternateInputRunTests
{
    [Theory]
    [MemberData(nameof(AlternateInputRuns.SecondHalf), MemberType = typeof(AlternateInputRuns))]
    public Task Lesson_runs_in_process_with_alternate_inputs(string notebook, int set) => AlternateInputRuns.AssertRunsAsync(notebook, set);
}
