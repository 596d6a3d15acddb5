using System.Runtime.CompilerServices;
using AttentionLab.Kernels;
using MathNet.Numerics.LinearAlgebra;

namespace AttentionLab;

/// <summary>
/// Every intermediate matrix of one scaled dot-product attention (lesson 01), so a lesson can
/// plot each step: scores, scores + mask, weights, output.
/// </summary>
/// <param name="Output">Weights · V: one row per query (queries × d_v).</param>
/// <param name="Weights">The row-wise softmax of <paramref name="MaskedScores"/> (queries × keys); each row sums to 1.</param>
/// <param name="Scores">Q Kᵀ / √d_k before any mask (queries × keys).</param>
/// <param name="MaskedScores">Scores + mask: −∞ where a query must not look (equal to Scores without a mask).</param>
public sealed record AttentionResult(
    Matrix<double> Output,
    Matrix<double> Weights,
    Matrix<double> Scores,
    Matrix<double> MaskedScores);

/// <summary>Scaled dot-product attention, the readable way: the full score matrix is built (lessons 01–07).</summary>
public static class Attention
{
    /// <summary>
    /// softmax(Q Kᵀ / √d_k + mask) V, as PyTorch's <c>scaled_dot_product_attention</c> with a float
    /// (additive) mask. Q is queries × d_k, K is keys × d_k, V is keys × d_v, mask is queries × keys.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static AttentionResult ScaledDotProduct(
        Matrix<double> q,
        Matrix<double> k,
        Matrix<double> v,
        Matrix<double>? mask = null,
        FullyMaskedRowPolicy policy = FullyMaskedRowPolicy.Throw)
    {
        CheckShapes(q, k, v, mask);
        CheckFinite(q, k, v);

        // Q Kᵀ and weights · V. The two products run on the library's small-matrix kernel: MathNet's
        // general product costs several times more on a head's few rows (a benchmark row says how much).
        var scores = MatrixKernels.MultiplyTransposed(q, k) / Math.Sqrt(q.ColumnCount);
        var masked = mask is null ? scores : scores + mask;
        var weights = Softmax.Rows(masked, policy);
        return new AttentionResult(MatrixKernels.Multiply(weights, v), weights, scores, masked);
    }

    /// <summary>
    /// The same attention with the mask given as a <see cref="Mask"/> predicate: its additive matrix
    /// (<see cref="Mask.ToAdditive"/>) is added to the scores, so <see cref="AttentionResult.MaskedScores"/>
    /// shows it cell by cell. The mask must be queries × keys.
    /// </summary>
    public static AttentionResult ScaledDotProduct(
        Matrix<double> q,
        Matrix<double> k,
        Matrix<double> v,
        Mask mask,
        FullyMaskedRowPolicy policy = FullyMaskedRowPolicy.Throw)
    {
        Guard.NotNull(q, nameof(q));
        Guard.NotNull(k, nameof(k));
        Guard.MaskShape(mask, q.RowCount, k.RowCount, nameof(mask));
        return ScaledDotProduct(q, k, v, mask.ToAdditive(), policy);
    }

    /// <summary>
    /// The shape rules every attention of the library enforces (the readable one here and
    /// <see cref="Kernels.FusedAttention"/>): Q and K share their width, V has a row per key, and the mask is
    /// queries × keys.
    /// </summary>
    internal static void CheckShapes(Matrix<double> q, Matrix<double> k, Matrix<double> v, Matrix<double>? mask)
    {
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(k);
        ArgumentNullException.ThrowIfNull(v);
        RequireNonEmpty(q, nameof(q));
        RequireNonEmpty(k, nameof(k));
        RequireNonEmpty(v, nameof(v));
        if (k.ColumnCount != q.ColumnCount)
            throw new ArgumentException(
                $"Q and K must have the same width d_k: q is {Masks.Shape(q)}, so k must be keys × {q.ColumnCount}, but k is {Masks.Shape(k)}.",
                nameof(k));
        if (v.RowCount != k.RowCount)
            throw new ArgumentException(
                $"V needs one row per key: k is {Masks.Shape(k)}, so v must be {k.RowCount} × d_v, but v is {Masks.Shape(v)}.",
                nameof(v));
        if ((long)q.RowCount * k.RowCount > Array.MaxLength)
            throw new ArgumentException(
                $"q and k make a {q.RowCount} × {k.RowCount} score matrix, more cells than one array holds (at most {Array.MaxLength}): "
                + "expected a smaller n; the fused kernel (AttentionLab.Kernels.FusedAttention.Compute) never builds this matrix.",
                nameof(k));
        if (mask is not null && (mask.RowCount != q.RowCount || mask.ColumnCount != k.RowCount))
            throw new ArgumentException(
                $"The mask must be queries × keys = {q.RowCount} × {k.RowCount}, but it is {Masks.Shape(mask)}.",
                nameof(mask));
    }

    /// <summary>
    /// Queries, keys and values hold finite numbers in every attention of the library: a query or key of ±∞ or
    /// NaN makes NaN scores, and a value of ±∞ or NaN leaks into every row that weighs it (0 · NaN is NaN,
    /// even for a key the mask hides). Masks hide keys; the inputs never should.
    /// </summary>
    internal static void CheckFinite(Matrix<double> q, Matrix<double> k, Matrix<double> v)
    {
        const string why = "attention inputs must be finite (hide a key with the mask, not with −∞ or NaN in the input)";
        Guard.Finite(q, nameof(q), why);
        Guard.Finite(k, nameof(k), why);
        Guard.Finite(v, nameof(v), why);
    }

    private static void RequireNonEmpty(Matrix<double> m, string name)
    {
        if (m.RowCount == 0 || m.ColumnCount == 0)
            throw new ArgumentException($"{name} is empty ({Masks.Shape(m)}): attention needs at least one token of width ≥ 1.", name);
    }
}
