namespace CourseRunner;

/// <summary>Where things are in the course repository: the folder holding Notebooks.sln and its notebooks/.</summary>
public static class RepositoryLayout
{
    /// <summary>The file that marks the repository root.</summary>
    public const string SolutionFileName = "Notebooks.sln";

    /// <summary>
    /// The repository root: the first folder holding Notebooks.sln, walking up from
    /// <paramref name="start"/> (default: the current directory, then the runner's own folder).
    /// Null when there is none.
    /// </summary>
    public static string? FindRoot(string? start = null)
    {
        foreach (var origin in start is null ? [Environment.CurrentDirectory, AppContext.BaseDirectory] : new[] { start })
        {
            for (var folder = new DirectoryInfo(origin); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, SolutionFileName)))
                {
                    return folder.FullName;
                }
            }
        }

        return null;
    }

    /// <summary>The lessons' folder under the repository root.</summary>
    public static string NotebooksFolder(string root) => Path.Combine(root, "notebooks");

    /// <summary>Where the book goes by default.</summary>
    public static string DefaultBookFolder(string root) => Path.Combine(root, "artifacts", "book");

    /// <summary>Every lesson notebook (notebooks/*.ipynb), in file-name order; empty when there are none yet.</summary>
    public static IReadOnlyList<string> Lessons(string notebooksFolder) =>
        Directory.Exists(notebooksFolder)
            ? Directory.GetFiles(notebooksFolder, "*.ipynb").Order(StringComparer.Ordinal).ToArray()
            : [];
}
