using System.Text.Json.Nodes;

namespace Notebooks.Tests;

/// <summary>Notebooks are committed as sources: no outputs, no execution counts (the book holds the executed copies).</summary>
[Trait("Category", "InProcess")]
public sealed class CommittedNotebookTests
{
    [Theory]
    [MemberData(nameof(LessonNotebooks.FileNames), MemberType = typeof(LessonNotebooks))]
    public void Lesson_is_committed_without_outputs_or_execution_counts(string notebook)
    {
        if (LessonNotebooks.PathOf(notebook) is not { } path)
        {
            return;
        }

        var dirty = OutputsAndCounts(path);

        Assert.True(dirty.Count == 0,
            $"{notebook} holds outputs or execution counts in cells {string.Join(", ", dirty)} (numbered from 1, counting every cell). " +
            "Clear all outputs before committing.");
    }

    [Fact]
    public void Test_fixtures_are_committed_without_outputs_or_execution_counts()
    {
        var dirty = Directory.GetFiles(Repository.TestData, "*.ipynb")
            .Where(path => OutputsAndCounts(path).Count > 0)
            .Select(Path.GetFileName)
            .ToArray();

        Assert.Empty(dirty);
    }

    [Fact]
    public void An_executed_notebook_is_recognised_as_holding_outputs()
    {
        var folder = Repository.NewTempFolder("dirty");
        var path = Path.Combine(folder, "dirty.ipynb");
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(Repository.TestData, "04-try-it.ipynb")))!;
        json["cells"]![1]!["execution_count"] = 1;
        File.WriteAllText(path, json.ToJsonString());

        Assert.Equal([2], OutputsAndCounts(path));
    }

    /// <summary>The 1-based numbers of the cells with outputs or an execution count.</summary>
    private static List<int> OutputsAndCounts(string path)
    {
        var cells = JsonNode.Parse(File.ReadAllText(path))!["cells"]!.AsArray();
        var dirty = new List<int>();
        for (var i = 0; i < cells.Count; i++)
        {
            var hasOutputs = cells[i]?["outputs"] is JsonArray { Count: > 0 };
            var hasCount = cells[i]?["execution_count"] is JsonValue;
            if (hasOutputs || hasCount)
            {
                dirty.Add(i + 1);
            }
        }

        return dirty;
    }
}
