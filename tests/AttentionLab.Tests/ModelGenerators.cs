using CsCheck;
using MathNet.Numerics.LinearAlgebra;

namespace AttentionLab.Tests;

/// <summary>Random small models and token sequences for the model's property tests.</summary>
internal static class ModelGenerators
{
    public const int MaxLength = 9;

    /// <summary>A small model: heads × head width gives the model width, so heads always divide it.</summary>
    public static Gen<TransformerConfig> Config =>
        from heads in Gen.Int[1, 3]
        from headWidth in Gen.Int[1, 4]
        from ff in Gen.Int[1, 9]
        from encoderLayers in Gen.Int[1, 2]
        from decoderLayers in Gen.Int[1, 2]
        from sourceVocabulary in Gen.Int[5, 12]
        from targetVocabulary in Gen.Int[5, 12]
        select new TransformerConfig(sourceVocabulary, targetVocabulary, heads * headWidth, heads, ff,
                                     encoderLayers, decoderLayers, MaxLength);

    /// <summary>Ordinary tokens (no specials), right-padded: at least one real token.</summary>
    public static Gen<int[]> PaddedIds(int vocabularySize, int maxLength = MaxLength) =>
        from length in Gen.Int[1, maxLength]
        from real in Gen.Int[1, length]
        from ids in Gen.Int[4, vocabularySize - 1].Array[real]
        select Vocabulary.PadTo(ids, length);

    /// <summary>A decoder input: &lt;s&gt; then ordinary tokens, with no padding.</summary>
    public static Gen<int[]> DecoderInput(int vocabularySize, int maxLength = MaxLength) =>
        from length in Gen.Int[0, maxLength - 1]
        from ids in Gen.Int[3, vocabularySize - 1].Array[length]
        select (int[])[Vocabulary.Start, .. ids];

    public static Gen<(Transformer Model, int[] Source, int[] DecoderInput)> ModelAndSentence =>
        from config in Config
        from seed in Gen.Int
        from source in PaddedIds(config.SourceVocabularySize)
        from decoderInput in DecoderInput(config.TargetVocabularySize)
        select (new Transformer(config, seed), source, decoderInput);

    public static Gen<Matrix<double>> Matrix(int rows, int cols, double scale = 3) =>
        Gen.Double[-scale, scale].Array[rows * cols].Select(data => Matrix<double>.Build.Dense(rows, cols, data));

    /// <summary>Key-padding flags with at least one real key.</summary>
    public static Gen<bool[]> KeyIsPad(int keys) =>
        Gen.Bool.Array[keys].Select(p => p.All(x => x) ? p.Select((x, i) => i != 0).ToArray() : p);
}
