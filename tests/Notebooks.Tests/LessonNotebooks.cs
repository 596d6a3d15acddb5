namespace Notebooks.Tests;

/// <summary>
/// The lesson notebooks (notebooks/*.ipynb), found when the tests are discovered, so a new lesson is
/// tested without editing any test. While the course has no notebook yet, the tests get one row,
/// <see cref="NoneYet"/>, which checks that the folder really holds none (xunit fails a theory with no data).
/// </summary>
public static class LessonNotebooks
{
    /// <summary>The single row used while notebooks/ holds no notebook.</summary>
    public const string NoneYet = "(no notebooks yet)";

    /// <summary>One row per notebook file name, e.g. "01-attention-scores.ipynb".</summary>
    public static TheoryData<string> FileNames()
    {
        var data = new TheoryData<string>();
        var lessons = RepositoryLayout.Lessons(Repository.NotebooksFolder);
        foreach (var path in lessons)
        {
            data.Add(Path.GetFileName(path));
        }

        if (lessons.Count == 0)
        {
            data.Add(NoneYet);
        }

        return data;
    }

    /// <summary>
    /// The full path of a notebook row, or null for <see cref="NoneYet"/> after checking that there is
    /// indeed no notebook (so the placeholder can never hide a lesson).
    /// </summary>
    public static string? PathOf(string fileName)
    {
        if (fileName == NoneYet)
        {
            Assert.Empty(RepositoryLayout.Lessons(Repository.NotebooksFolder));
            return null;
        }

        var path = Path.Combine(Repository.NotebooksFolder, fileName);
        Assert.True(File.Exists(path), $"{path} no longer exists.");
        return path;
    }
}
