using AttentionLab;

/// <summary>The model every decoder benchmark measures: d_model 64, 4 heads, feed-forward 256, 2 + 2 layers.</summary>
internal static class BenchmarkModel
{
    public static Transformer Create(int maxLength) =>
        new(new TransformerConfig(SourceVocabularySize: 24, TargetVocabularySize: 24, ModelWidth: 64, Heads: 4,
                                  FeedForwardWidth: 256, EncoderLayers: 2, DecoderLayers: 2, MaxLength: maxLength), seed: 7);

    /// <summary>A fixed sentence of ordinary tokens (ids 4 and up) of the given length.</summary>
    public static int[] Sentence(int length, int vocabularySize, int offset = 0) =>
        [.. Enumerable.Range(0, length).Select(i => 4 + (i * 7 + offset) % (vocabularySize - 4))];
}
