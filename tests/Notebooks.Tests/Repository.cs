namespace Notebooks.Tests;

/// <summary>Paths in the course repository, found from the test's own folder (tests read the source tree).</summary>
internal static class Repository
{
    public static string Root { get; } = RepositoryLayout.FindRoot(AppContext.BaseDirectory)
                                         ?? throw new InvalidOperationException($"No {RepositoryLayout.SolutionFileName} above {AppContext.BaseDirectory}.");

    public static string NotebooksFolder => RepositoryLayout.NotebooksFolder(Root);

    public static string TestsFolder => Path.Combine(Root, "tests", "Notebooks.Tests");

    public static string TestData => Path.Combine(TestsFolder, "TestData");

    public static string AlternateInputsFile => Path.Combine(TestsFolder, "AlternateInputs.json");

    public static string PackagesProps => Path.Combine(Root, "Directory.Packages.props");

    /// <summary>A new empty folder under the system's temp folder.</summary>
    public static string NewTempFolder(string purpose)
    {
        var folder = Path.Combine(Path.GetTempPath(), "notebooks-tests", $"{purpose}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>Copies the test notebook <paramref name="fileName"/> into <paramref name="folder"/> (as <paramref name="copyName"/>, if given); returns the copy's path.</summary>
    public static string CopyTestData(string fileName, string folder, string? copyName = null)
    {
        var copy = Path.Combine(folder, copyName ?? fileName);
        File.Copy(Path.Combine(TestData, fileName), copy);
        return copy;
    }
}
