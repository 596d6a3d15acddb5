namespace CourseRunner;

/// <summary>What a notebook cell holds: prose to render, code to run, or raw text to show as is.</summary>
public enum CellKind
{
    /// <summary>A Markdown cell: rendered, never executed.</summary>
    Markdown,

    /// <summary>A code cell: executed by the kernel named in <see cref="NotebookCell.KernelName"/>.</summary>
    Code,

    /// <summary>A raw cell: neither executed nor rendered, shown as plain text.</summary>
    Raw,
}

/// <summary>One cell of a notebook, as read from its .ipynb file.</summary>
/// <param name="Index">0-based position among all cells of the notebook.</param>
/// <param name="Kind">Markdown, code or raw.</param>
/// <param name="KernelName">The kernel a code cell asks for ("csharp" unless the cell says otherwise).</param>
/// <param name="Source">The cell's text.</param>
/// <param name="Tags">The cell's Jupyter tags (<c>metadata.tags</c>), e.g. "parameters".</param>
public sealed record NotebookCell(int Index, CellKind Kind, string KernelName, string Source, IReadOnlyList<string> Tags)
{
    /// <summary>The cell's 1-based number among all cells, the number reports and the book show.</summary>
    public int Number => Index + 1;

    /// <summary>True for the lesson's "Try it" cell: a code cell tagged "parameters" (papermill's convention).</summary>
    public bool IsParameters => Kind == CellKind.Code && Tags.Contains(NotebookFile.ParametersTag);

    /// <summary>True for the cell the runner inserted after the "Try it" cell (<see cref="ExecutionOptions.Parameters"/>).</summary>
    public bool IsInjectedParameters => Kind == CellKind.Code && Tags.Contains(NotebookFile.InjectedParametersTag);

    /// <summary>
    /// How reports name the cell: "cell 4", or for the injected parameters cell, which the notebook on disk
    /// does not have, "the injected parameters cell (after cell 2)", cell 2 being the "Try it" cell.
    /// </summary>
    public string Name => IsInjectedParameters ? $"the injected parameters cell (after cell {Index})" : $"cell {Number}";
}
