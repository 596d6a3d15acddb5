using System.Text.Json;

namespace AttentionLab;

/// <summary>
/// The sentence pair every lesson starts from (data/worked-example.json): the source <c>a b c</c>,
/// the target <c>g f h</c>, a maximum length and the vocabulary.
/// </summary>
/// <param name="Source">The encoder's sentence, space-separated tokens.</param>
/// <param name="Target">The decoder's sentence, space-separated tokens.</param>
/// <param name="MaxLength">The length every sequence of the batch is padded to.</param>
/// <param name="Vocabulary">The vocabulary both sentences are written in.</param>
public sealed record WorkedExample(string Source, string Target, int MaxLength, Vocabulary Vocabulary)
{
    /// <summary>Reads the worked example; the vocabulary path inside it is relative to the file.</summary>
    public static WorkedExample Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"No worked example at {Path.GetFullPath(path)}.", path);
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var root = json.RootElement;
        string Text(string name) =>
            root.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String
                ? p.GetString()!
                : throw new FormatException($"{path}: \"{name}\" is missing or not a string.");
        int maxLength = root.TryGetProperty("maxLength", out var m) && m.TryGetInt32(out int n) && n > 0
            ? n
            : throw new FormatException($"{path}: \"maxLength\" is missing or not a positive whole number.");
        string vocabularyPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, Text("vocabulary"));
        var example = new WorkedExample(Text("source"), Text("target"), maxLength, Vocabulary.Load(vocabularyPath));
        // Fail here, not three cells later, if the file's sentences do not fit its own settings.
        example.Vocabulary.Encode(example.Source);
        example.Vocabulary.Encode(example.Target);
        return example;
    }
}
