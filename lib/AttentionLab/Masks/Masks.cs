using MathNet.Numerics.LinearAlgebra;

namespace AttentionLab;

/// <summary>
/// Additive attention masks (lessons 02 and 03): rows are queries, columns are keys,
/// 0 means "may look", −∞ means "must not look". A mask is added to the scores before the
/// row-wise softmax, so a −∞ entry becomes a weight of exactly 0.
/// </summary>
public static class Masks
{
    /// <summary>The value of a hidden cell: negative infinity, as PyTorch uses.</summary>
    public const double Hidden = double.NegativeInfinity;

    /// <summary>The value of a visible cell.</summary>
    public const double Visible = 0.0;

    /// <summary>True if a mask cell hides its key (it is −∞).</summary>
    public static bool IsHidden(double cell) => double.IsNegativeInfinity(cell);

    /// <summary>An n × n mask that hides nothing (all zeros).</summary>
    public static Matrix<double> None(int queries, int keys)
    {
        RequirePositive(queries, nameof(queries));
        RequirePositive(keys, nameof(keys));
        return Matrix<double>.Build.Dense(queries, keys);
    }

    /// <summary>
    /// The causal (look-ahead) mask of lesson 03: query i may look at keys 0..i only, so −∞
    /// above the diagonal. Equal to PyTorch's <c>nn.Transformer.generate_square_subsequent_mask(n)</c>.
    /// </summary>
    public static Matrix<double> Causal(int n)
    {
        RequirePositive(n, nameof(n));
        return Matrix<double>.Build.Dense(n, n, (i, j) => j > i ? Hidden : Visible);
    }

    /// <summary>
    /// The causal mask for <paramref name="queries"/> new queries that come after
    /// <paramref name="keys"/> − <paramref name="queries"/> cached positions (lesson 07):
    /// query i sits at absolute position keys − queries + i and may look at keys up to it.
    /// </summary>
    public static Matrix<double> Causal(int queries, int keys)
    {
        RequirePositive(queries, nameof(queries));
        RequirePositive(keys, nameof(keys));
        if (queries > keys)
            throw new ArgumentException(
                $"A causal mask needs at least as many keys as queries: expected keys ≥ {queries}, got keys = {keys}.",
                nameof(keys));
        int offset = keys - queries;
        return Matrix<double>.Build.Dense(queries, keys, (i, j) => j > i + offset ? Hidden : Visible);
    }

    /// <summary>
    /// The padding mask of lesson 02: −∞ in every column whose key is PAD, the same for each of
    /// the <paramref name="queries"/> rows. Use the source's flags for cross-attention (lesson 06).
    /// </summary>
    public static Matrix<double> Padding(IReadOnlyList<bool> keyIsPad, int queries)
    {
        ArgumentNullException.ThrowIfNull(keyIsPad);
        if (keyIsPad.Count == 0)
            throw new ArgumentException("The key sequence is empty: a padding mask needs at least one key.", nameof(keyIsPad));
        RequirePositive(queries, nameof(queries));
        return Matrix<double>.Build.Dense(queries, keyIsPad.Count, (_, j) => keyIsPad[j] ? Hidden : Visible);
    }

    /// <summary>The square padding mask for self-attention over one padded sequence of token ids.</summary>
    public static Matrix<double> Padding(IReadOnlyList<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return Padding(ids.Select(Vocabulary.IsPad).ToArray(), ids.Count);
    }

    /// <summary>
    /// Combines masks by adding them cell by cell (the "superposition" of lesson 03): a cell is
    /// hidden in the result when any mask hides it. Causal + padding gives the decoder's mask.
    /// </summary>
    public static Matrix<double> Combine(params Matrix<double>[] masks)
    {
        ArgumentNullException.ThrowIfNull(masks);
        if (masks.Length == 0)
            throw new ArgumentException("Combine needs at least one mask.", nameof(masks));
        var first = masks[0] ?? throw new ArgumentNullException(nameof(masks), "masks[0] is null.");
        var sum = first.Clone();
        for (int m = 1; m < masks.Length; m++)
        {
            var next = masks[m] ?? throw new ArgumentNullException(nameof(masks), $"masks[{m}] is null.");
            if (next.RowCount != first.RowCount || next.ColumnCount != first.ColumnCount)
                throw new ArgumentException(
                    $"Masks to combine must have one shape: masks[0] is {Shape(first)}, masks[{m}] is {Shape(next)}.",
                    nameof(masks));
            sum += next;
        }
        // +∞ or NaN in a mask means nothing, and −∞ + +∞ would be a NaN cell: refuse them, naming the mask.
        for (int m = 0; m < masks.Length; m++)
            for (int i = 0; i < masks[m].RowCount; i++)
                for (int j = 0; j < masks[m].ColumnCount; j++)
                    Guard.FiniteOrMinusInfinity(masks[m][i, j], nameof(masks), i, j, $"masks[{m}]");
        return sum;
    }

    /// <summary>
    /// From a boolean mask where true means KEEP (attend): PyTorch's
    /// <c>scaled_dot_product_attention</c> bool mask and Hugging Face's attention_mask use this polarity.
    /// </summary>
    public static Matrix<double> FromKeep(bool[,] keep)
    {
        ArgumentNullException.ThrowIfNull(keep);
        RequireNonEmpty(keep, nameof(keep));
        return Matrix<double>.Build.Dense(keep.GetLength(0), keep.GetLength(1), (i, j) => keep[i, j] ? Visible : Hidden);
    }

    /// <summary>
    /// From a boolean mask where true means IGNORE (do not attend): PyTorch's
    /// <c>nn.MultiheadAttention</c> attn_mask and key_padding_mask use this polarity.
    /// </summary>
    public static Matrix<double> FromIgnore(bool[,] ignore)
    {
        ArgumentNullException.ThrowIfNull(ignore);
        RequireNonEmpty(ignore, nameof(ignore));
        return Matrix<double>.Build.Dense(ignore.GetLength(0), ignore.GetLength(1), (i, j) => ignore[i, j] ? Hidden : Visible);
    }

    /// <summary>To a boolean mask where true means KEEP (the cell is not −∞).</summary>
    public static bool[,] ToKeep(Matrix<double> mask) => ToBool(mask, keep: true);

    /// <summary>To a boolean mask where true means IGNORE (the cell is −∞).</summary>
    public static bool[,] ToIgnore(Matrix<double> mask) => ToBool(mask, keep: false);

    private static bool[,] ToBool(Matrix<double> mask, bool keep)
    {
        ArgumentNullException.ThrowIfNull(mask);
        var result = new bool[mask.RowCount, mask.ColumnCount];
        for (int i = 0; i < mask.RowCount; i++)
            for (int j = 0; j < mask.ColumnCount; j++)
            {
                double cell = mask[i, j];
                if (double.IsNaN(cell) || double.IsPositiveInfinity(cell))
                    throw new ArgumentException($"mask[{i}, {j}] is {cell}: an additive mask holds finite numbers or −∞.", nameof(mask));
                result[i, j] = IsHidden(cell) != keep;
            }
        return result;
    }

    internal static string Shape(Matrix<double> m) => $"{m.RowCount} × {m.ColumnCount}";

    private static void RequirePositive(int value, string name)
    {
        if (value <= 0)
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be at least 1, got {value}.");
    }

    private static void RequireNonEmpty(bool[,] mask, string name)
    {
        if (mask.GetLength(0) == 0 || mask.GetLength(1) == 0)
            throw new ArgumentException($"{name} is empty ({mask.GetLength(0)} × {mask.GetLength(1)}).", name);
    }
}
