namespace Notebooks.Tests;

/// <summary>Other "Try it" inputs are injected in a new cell right after the cell tagged "parameters".</summary>
[Trait("Category", "InProcess")]
public sealed class ParameterInjectionTests
{
    private static readonly string TryIt = Path.Combine(Repository.TestData, "04-try-it.ipynb");

    [Fact]
    public void The_injected_cell_follows_the_parameters_cell()
    {
        var notebook = NotebookFile.Load(TryIt);

        var injected = notebook.WithInjectedParameters("maxLength = 2;");

        Assert.Equal(notebook.Cells.Count + 1, injected.Cells.Count);
        Assert.Equal(1, notebook.ParametersCell!.Index);
        var cell = injected.Cells[2];
        Assert.Equal(CellKind.Code, cell.Kind);
        Assert.Equal("maxLength = 2;", cell.Source);
        Assert.Contains(NotebookFile.InjectedParametersTag, cell.Tags);
        Assert.Equal(notebook.Cells[2].Source, injected.Cells[3].Source);
    }

    [Fact]
    public async Task Injected_inputs_reach_the_later_cells()
    {
        var options = new ExecutionOptions { Parameters = "sentence = \"the cat sat on the mat\"; maxLength = 9;" };

        var run = await new NotebookExecutor(options).RunAsync(TryIt);

        Assert.True(run.Succeeded, run.FailureSummary);
        Assert.Equal("the cat sat on the mat / 9\n", run.Cells[3].Outputs.Single().PlainText?.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Injected_inputs_that_break_a_claim_fail_the_notebook()
    {
        var options = new ExecutionOptions { Parameters = "sentence = \"one two three\"; maxLength = 2;" };

        var run = await new NotebookExecutor(options).RunAsync(TryIt);

        Assert.Contains("04-try-it.ipynb, cell 5 of 5 (code cell 4) failed", run.FailureSummary);
        Assert.Contains("3 tokens do not fit in 2.", run.FailureSummary);
    }

    [Fact]
    public async Task Parameters_that_do_not_compile_are_reported_as_the_injected_parameters_cell()
    {
        var options = new ExecutionOptions { Parameters = "maxLength = ;" };
        var progress = new StringWriter();

        var run = await new NotebookExecutor(options, new ConsoleProgress(progress)).RunAsync(TryIt);

        Assert.StartsWith("04-try-it.ipynb, the injected parameters cell (after cell 2) failed:", run.FailureSummary);
        Assert.Contains("CS1525", run.FailureSummary);
        Assert.DoesNotContain("cell 3 of", run.FailureSummary);
        Assert.Contains("[04-try-it] the injected parameters cell (after cell 2) FAILED", progress.ToString());
        Assert.Contains("[04-try-it] cell 4/5 not run", progress.ToString());
    }

    [Fact]
    public async Task Parameters_for_a_notebook_without_a_parameters_cell_fail_it_clearly()
    {
        var options = new ExecutionOptions { Parameters = "var x = 1;" };

        var run = await new NotebookExecutor(options).RunAsync(Path.Combine(Repository.TestData, "02-escaping.ipynb"));

        Assert.False(run.Succeeded);
        Assert.Contains("no code cell tagged \"parameters\"", run.FailureSummary);
    }

    [Fact]
    public void The_copy_with_injected_inputs_is_written_elsewhere_and_the_source_is_left_alone()
    {
        var before = File.ReadAllText(TryIt);
        var copy = Path.Combine(Repository.NewTempFolder("injected"), "04-try-it.ipynb");

        NotebookFile.WriteWithInjectedParameters(TryIt, "maxLength = 2;", copy);

        Assert.Equal(before, File.ReadAllText(TryIt));
        var written = NotebookFile.Load(copy);
        Assert.Equal("maxLength = 2;", written.Cells[2].Source);
        Assert.Contains(NotebookFile.InjectedParametersTag, written.Cells[2].Tags);
    }
}
