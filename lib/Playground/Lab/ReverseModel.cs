using System.Net.Http;
using AttentionLab;

namespace Playground.Lab;

/// <summary>
/// The small trained model of the inference and training lessons (data/reverse-model.json: it reverses 1 to 5 letters from a … h),
/// with the course vocabulary, fetched once from the app's own folder.
/// </summary>
public sealed class ReverseModel
{
    /// <summary>The configuration data/README.md gives for reverse-model.json.</summary>
    public static TransformerConfig Config(int vocabularySize) =>
        new(vocabularySize, vocabularySize, ModelWidth: 32, Heads: 4, FeedForwardWidth: 64, EncoderLayers: 1, DecoderLayers: 2, MaxLength: 32);

    private readonly HttpClient _http;
    private Task<(Vocabulary, Transformer)>? _loading;

    public ReverseModel(HttpClient http) => _http = http;

    /// <summary>The vocabulary and the model, loaded at the first call.</summary>
    public Task<(Vocabulary Vocabulary, Transformer Model)> GetAsync() => _loading ??= LoadAsync();

    private async Task<(Vocabulary, Transformer)> LoadAsync()
    {
        var words = (await _http.GetStringAsync("data/vocabulary.txt"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var vocabulary = new Vocabulary(words.Where(w => !w.StartsWith('#') && !Vocabulary.SpecialTokens.Contains(w)));
        var stateDict = StateDict.Parse(await _http.GetStringAsync("data/reverse-model.json"));
        return (vocabulary, Transformer.FromStateDict(stateDict, Config(vocabulary.Count)));
    }
}
