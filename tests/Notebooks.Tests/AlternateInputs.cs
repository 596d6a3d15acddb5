using System.Text.Json;

namespace Notebooks.Tests;

/// <summary>
/// Other "Try it" inputs per lesson, from tests/Notebooks.Tests/AlternateInputs.json: notebook file name →
/// one string of C# code, or an array of them (a second set of inputs, then one per exercise that changes
/// an input), each injected right after the notebook's cell tagged "parameters" and run in-process.
/// </summary>
public static class AlternateInputs
{
    /// <summary>Every entry of the file: notebook file name → its sets of inputs, in file order.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Load()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Repository.AlternateInputsFile));
        var inputs = new Dictionary<string, IReadOnlyList<string>>();
        foreach (var entry in document.RootElement.EnumerateObject())
        {
            inputs[entry.Name] = entry.Value.ValueKind switch
            {
                JsonValueKind.String => [entry.Value.GetString()!],
                JsonValueKind.Array => entry.Value.EnumerateArray().Select(v => v.GetString() ?? "").ToArray(),
                _ => throw new InvalidDataException(
                    $"{Repository.AlternateInputsFile}: \"{entry.Name}\" must be a string of C# code or an array of them."),
            };
        }

        return inputs;
    }

    /// <summary>One row per (lesson, set of inputs): what <see cref="AlternateInputRuns"/> runs.</summary>
    public static TheoryData<string, int> Rows()
    {
        var data = new TheoryData<string, int>();
        var inputs = Load();
        foreach (string notebook in LessonNotebooks.FileNames())
        {
            var count = inputs.TryGetValue(notebook, out var sets) ? Math.Max(1, sets.Count) : 1;
            for (var set = 1; set <= count; set++)
            {
                data.Add(notebook, set);
            }
        }

        return data;
    }

    /// <summary>
    /// The sets of inputs for <paramref name="notebookFileName"/>; fails the test when the file has none for it
    /// or one of them is empty.
    /// </summary>
    public static IReadOnlyList<string> For(string notebookFileName)
    {
        var inputs = Load();
        Assert.True(inputs.TryGetValue(notebookFileName, out var sets) && sets.Count > 0 && sets.All(s => !string.IsNullOrWhiteSpace(s)),
            $"{Repository.AlternateInputsFile} has no entry for \"{notebookFileName}\" (or an empty one): add the C# code that sets other " +
            "\"Try it\" inputs, e.g. \"sentence = \\\"the cat sat\\\"; maxLength = 7;\".");
        return sets!;
    }
}
