using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Random;

namespace AttentionLab;

/// <summary>
/// A lookup table from token id to a vector of width d_model (lesson 01): row <c>id</c> of
/// <see cref="Weight"/>, like PyTorch's <c>nn.Embedding</c> (initialised from N(0, 1)).
/// </summary>
public sealed partial class Embedding
{
    /// <summary>The table: one row per token id, vocabularySize × modelWidth.</summary>
    public Matrix<double> Weight { get; }

    /// <summary>How many token ids the table has rows for.</summary>
    public int VocabularySize => Weight.RowCount;

    /// <summary>The width of each vector.</summary>
    public int ModelWidth => Weight.ColumnCount;

    /// <summary>A table drawn from N(0, 1) with a fixed seed, so every run of a lesson shows the same numbers.</summary>
    public Embedding(int vocabularySize, int modelWidth, int seed)
        : this(Random(vocabularySize, modelWidth, seed))
    {
    }

    /// <summary>A table with the given weights (vocabularySize × modelWidth), e.g. from a trained model.</summary>
    public Embedding(Matrix<double> weight)
    {
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.RowCount == 0 || weight.ColumnCount == 0)
            throw new ArgumentException($"The embedding table is empty ({Masks.Shape(weight)}).", nameof(weight));
        Weight = weight;
    }

    /// <summary>The vectors of a sequence of ids: an n × modelWidth matrix, one row per token.</summary>
    public Matrix<double> Forward(IReadOnlyList<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
            throw new ArgumentException("The sequence of ids is empty: embed at least one token.", nameof(ids));
        for (int i = 0; i < ids.Count; i++)
            if (ids[i] < 0 || ids[i] >= VocabularySize)
                throw new ArgumentOutOfRangeException(nameof(ids), ids[i],
                    $"ids[{i}] = {ids[i]} is outside the embedding table: ids run from 0 to {VocabularySize - 1}.");
        return Matrix<double>.Build.Dense(ids.Count, ModelWidth, (i, c) => Weight[ids[i], c]);
    }

    private static Matrix<double> Random(int vocabularySize, int modelWidth, int seed)
    {
        if (vocabularySize < 1)
            throw new ArgumentOutOfRangeException(nameof(vocabularySize), vocabularySize, "The vocabulary size must be at least 1.");
        if (modelWidth < 1)
            throw new ArgumentOutOfRangeException(nameof(modelWidth), modelWidth, $"modelWidth (the model width d_model) must be at least 1: expected 1 or more, actual {modelWidth}.");
        return Matrix<double>.Build.Random(vocabularySize, modelWidth, new Normal(0, 1, new MersenneTwister(seed)));
    }
}
