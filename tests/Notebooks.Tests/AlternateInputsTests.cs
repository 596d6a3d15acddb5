namespace Notebooks.Tests;

/// <summary>Every lesson has a "Try it" cell and a second set of inputs for it; no entry names a missing lesson.</summary>
[Trait("Category", "InProcess")]
public sealed class AlternateInputsTests
{
    [Theory]
    [MemberData(nameof(LessonNotebooks.FileNames), MemberType = typeof(LessonNotebooks))]
    public void Lesson_has_a_cell_tagged_parameters(string notebook)
    {
        if (LessonNotebooks.PathOf(notebook) is not { } path)
        {
            return;
        }

        Assert.True(NotebookFile.Load(path).ParametersCell is not null,
            $"{notebook} has no code cell tagged \"{NotebookFile.ParametersTag}\" (the \"Try it\" cell: metadata.tags).");
    }

    [Theory]
    [MemberData(nameof(LessonNotebooks.FileNames), MemberType = typeof(LessonNotebooks))]
    public void Lesson_has_alternate_inputs(string notebook)
    {
        if (LessonNotebooks.PathOf(notebook) is null)
        {
            return;
        }

        AlternateInputs.For(notebook);
    }

    [Fact]
    public void Every_alternate_input_names_an_existing_lesson()
    {
        var lessons = RepositoryLayout.Lessons(Repository.NotebooksFolder).Select(Path.GetFileName).ToHashSet();

        var stale = AlternateInputs.Load().Keys.Where(name => !lessons.Contains(name)).ToArray();

        Assert.True(stale.Length == 0, $"{Repository.AlternateInputsFile} names notebooks that do not exist: {string.Join(", ", stale)}");
    }
}
