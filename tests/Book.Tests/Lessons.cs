namespace Book.Tests;

/// <summary>
/// The lessons (notebooks/*.ipynb), found when the tests are discovered, so every new lesson's page is
/// tested without editing a test.
/// </summary>
public static class Lessons
{
    /// <summary>Every lesson notebook, in book order.</summary>
    public static IReadOnlyList<string> Paths => RepositoryLayout.Lessons(Repository.NotebooksFolder);

    /// <summary>One row per lesson: its name, e.g. "01-attention-scores".</summary>
    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var path in Paths)
        {
            data.Add(Path.GetFileNameWithoutExtension(path));
        }

        return data;
    }
}
