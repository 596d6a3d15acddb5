using System.IO.Enumeration;

namespace CourseRunner;

/// <summary>
/// Turns the notebooks a user names ("02-padding-mask", "02-padding-mask.ipynb", globs such as
/// "0*" or "*mask*", or a path to a notebook) into notebook paths.
/// </summary>
public static class NotebookSelection
{
    /// <summary>
    /// The notebooks selected by <paramref name="patterns"/> among those in <paramref name="notebooksFolder"/>,
    /// in file-name order without duplicates; every notebook when there are no patterns. A pattern is a
    /// file name with or without ".ipynb", a glob with * and ?, or a path to an existing .ipynb file.
    /// </summary>
    /// <exception cref="ArgumentException">A pattern matches no notebook; the message names it.</exception>
    public static IReadOnlyList<string> Resolve(string notebooksFolder, IReadOnlyList<string> patterns)
    {
        var available = RepositoryLayout.Lessons(notebooksFolder);
        if (patterns.Count == 0)
        {
            return available;
        }

        var selected = new List<string>();
        foreach (var pattern in patterns)
        {
            var matches = Match(pattern, available);
            if (matches.Count == 0)
            {
                var known = available.Count == 0
                    ? $"there are no notebooks in {notebooksFolder}"
                    : "available: " + string.Join(", ", available.Select(Path.GetFileName));
                throw new ArgumentException($"No notebook matches \"{pattern}\" ({known}).", nameof(patterns));
            }

            selected.AddRange(matches.Where(m => !selected.Contains(m)));
        }

        return selected;
    }

    private static IReadOnlyList<string> Match(string pattern, IReadOnlyList<string> available)
    {
        if (pattern.EndsWith(".ipynb", StringComparison.OrdinalIgnoreCase) && File.Exists(pattern)
                                                                          && pattern.IndexOfAny(['*', '?']) < 0)
        {
            return [Path.GetFullPath(pattern)];
        }

        var name = Path.GetFileName(pattern);
        var expressions = name.EndsWith(".ipynb", StringComparison.OrdinalIgnoreCase) ? [name] : new[] { name, name + ".ipynb" };
        return available
            .Where(path => expressions.Any(e => FileSystemName.MatchesSimpleExpression(e, Path.GetFileName(path))))
            .ToArray();
    }
}
