using System.Text.Json;

namespace Notebooks.Tests;

/// <summary>
/// The second set of "Try it" inputs per lesson, from tests/Notebooks.Tests/AlternateInputs.json:
/// notebook file name → C# code injected right after the notebook's cell tagged "parameters".
/// </summary>
public static class AlternateInputs
{
    /// <summary>Every entry of the file.</summary>
    public static IReadOnlyDictionary<string, string> Load() =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(Repository.AlternateInputsFile))
        ?? new Dictionary<string, string>();

    /// <summary>The code for <paramref name="notebookFileName"/>; fails the test when the file has no entry for it.</summary>
    public static string For(string notebookFileName)
    {
        var inputs = Load();
        Assert.True(inputs.TryGetValue(notebookFileName, out var code) && !string.IsNullOrWhiteSpace(code),
            $"{Repository.AlternateInputsFile} has no entry for \"{notebookFileName}\": add the C# code that sets other " +
            "\"Try it\" inputs, e.g. \"sentence = \\\"the cat sat\\\"; maxLength = 7;\".");
        return code!;
    }
}
