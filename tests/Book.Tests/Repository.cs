namespace Book.Tests;

/// <summary>Paths in the course repository, found from the test's own folder.</summary>
internal static class Repository
{
    public static string Root { get; } = RepositoryLayout.FindRoot(AppContext.BaseDirectory)
                                         ?? throw new InvalidOperationException($"No {RepositoryLayout.SolutionFileName} above {AppContext.BaseDirectory}.");

    public static string NotebooksFolder => RepositoryLayout.NotebooksFolder(Root);

    /// <summary>Where these tests write their books: artifacts/test-book/ (git-ignored, kept for a look after a failure).</summary>
    public static string TestBookFolder => Path.Combine(Root, "artifacts", "test-book");

    /// <summary>Where the screenshot test writes its pictures.</summary>
    public static string ScreenshotsFolder => Path.Combine(Root, "artifacts", "screenshots");

    /// <summary>The notebook the learner-text test copies its setup cells from.</summary>
    public static string FirstLesson => Path.Combine(NotebooksFolder, "01-attention-scores.ipynb");

    /// <summary>The library the notebooks load, as they name it relative to notebooks/.</summary>
    public const string LibraryRelativePath = "../lib/AttentionLab/bin/AttentionLab.dll";

    public static string LibraryPath => Path.GetFullPath(Path.Combine(NotebooksFolder, LibraryRelativePath));
}
