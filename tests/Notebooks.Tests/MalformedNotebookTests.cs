namespace Notebooks.Tests;

/// <summary>A notebook that is not well-formed nbformat 4 is "could not be read: why", never a crash of the run or an empty cell.</summary>
[Trait("Category", "InProcess")]
public sealed class MalformedNotebookTests
{
    private const string Cell = """{"cell_type": "code", "execution_count": null, "metadata": {}, "outputs": [], "source": ["1 + 1"]}""";

    [Theory]
    [InlineData("""{"cells": [], "metadata": {}, "nbformat": "4", "nbformat_minor": 5}""", "\"nbformat\" is the string \"4\"; expected the number 4")]
    [InlineData("""{"cells": [], "metadata": {}, "nbformat": 3, "nbformat_minor": 0}""", "\"nbformat\" is a number (3); expected the number 4")]
    [InlineData("""{"cells": [], "metadata": {}, "nbformat_minor": 5}""", "\"nbformat\" is missing (or null); expected the number 4")]
    [InlineData("""{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": "5"}""", "\"nbformat_minor\" is the string \"5\"; expected a whole number")]
    [InlineData("""{"cells": {}, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}""", "\"cells\" is an object; expected a list of cells")]
    [InlineData("""{"cells": [7], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}""", "cell 1: the cell is a number (7); expected an object")]
    [InlineData("""{"cells": [{"cell_type": "code", "execution_count": null, "metadata": {}, "outputs": [], "source": 42}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}""",
        "cell 1: \"source\" is a number (42); expected a string or a list of strings")]
    [InlineData("""{"cells": [{"cell_type": "code", "execution_count": null, "metadata": {}, "outputs": [], "source": ["a", 1]}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}""",
        "cell 1: \"source\" is a list; expected a string or a list of strings")]
    [InlineData("""{"cells": [{"cell_type": "code", "execution_count": null, "metadata": {}, "outputs": []}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}""",
        "cell 1: \"source\" is missing (or null)")]
    [InlineData("""{"cells": [{"execution_count": null, "metadata": {}, "outputs": [], "source": ""}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}""",
        "cell 1: \"cell_type\" is missing (or null); expected \"markdown\", \"code\" or \"raw\"")]
    [InlineData("""{"cells": [{"cell_type": "code", "execution_count": null, "metadata": {"tags": [1]}, "outputs": [], "source": ""}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}""",
        "cell 1: \"metadata.tags\" is a list; expected a list of strings")]
    [InlineData("""{"cells": [], "metadata": [], "nbformat": 4, "nbformat_minor": 5}""", "\"metadata\" is a list; expected an object")]
    [InlineData("""{"cells": [], "cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}""", "not valid JSON")]
    [InlineData("", "not valid JSON")]
    [InlineData("[]", "not a JSON object")]
    public void A_malformed_notebook_is_refused_naming_what_is_wrong(string json, string expected)
    {
        var e = Assert.Throws<InvalidDataException>(() => NotebookFile.Parse(json, "/course/bad.ipynb"));

        Assert.Contains(expected, e.Message);
        Assert.StartsWith("/course/bad.ipynb: ", e.Message);
    }

    [Fact]
    public void The_second_cell_is_named_when_it_is_the_malformed_one()
    {
        var json = $$"""{"cells": [{{Cell}}, {"cell_type": "code", "metadata": {}, "outputs": [], "source": 42}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}""";

        var e = Assert.Throws<InvalidDataException>(() => NotebookFile.Parse(json, "/course/bad.ipynb"));

        Assert.Contains("cell 2: \"source\" is a number (42)", e.Message);
    }

    [Fact]
    public async Task Unreadable_notebooks_fail_as_could_not_be_read_and_the_run_goes_on()
    {
        var folder = Repository.NewTempFolder("malformed");
        var fixtures = new[] { "nbformat-string.ipynb", "source-number.ipynb", "04-try-it.ipynb" };
        foreach (var fixture in fixtures)
        {
            Repository.CopyTestData(fixture, folder);
        }

        var book = Path.Combine(folder, "book");

        var report = await CourseRun.RunAsync(fixtures.Select(f => Path.Combine(folder, f)).ToArray(), book);

        Assert.Equal(1, report.ExitCode);
        Assert.Equal(2, report.Failures.Count);
        Assert.StartsWith("nbformat-string.ipynb: could not be read: ", report.Failures[0]);
        Assert.Contains("\"nbformat\" is the string \"4\"; expected the number 4", report.Failures[0]);
        Assert.StartsWith("source-number.ipynb: could not be read: ", report.Failures[1]);
        Assert.Contains("cell 2: \"source\" is a number (42)", report.Failures[1]);
        Assert.True(report.Runs[2].Succeeded, report.Runs[2].FailureSummary);
        Assert.True(File.Exists(Path.Combine(book, "04-try-it.html")));
        Assert.True(File.Exists(Path.Combine(book, "source-number.html")));
    }
}
