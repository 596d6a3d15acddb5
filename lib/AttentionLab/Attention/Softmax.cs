using System.Runtime.CompilerServices;
using MathNet.Numerics.LinearAlgebra;

namespace AttentionLab;

/// <summary>
/// What the attention does with a query that sees no key at all, a row in which every score is −∞
/// (lesson 09). Its softmax is 0/0; each framework answers differently, and each answer is here.
/// </summary>
public enum FullyMaskedRowPolicy
{
    /// <summary>Throw an error naming the row (the course's default): a silent NaN would spread.</summary>
    Throw,

    /// <summary>
    /// All-zero weights, so the query's output is the zero vector: PyTorch ≥ 2.5's
    /// <c>scaled_dot_product_attention</c> (its <c>_safe_softmax</c>).
    /// </summary>
    Zeros,

    /// <summary>
    /// NaN weights and output, as a plain softmax gives: PyTorch ≤ 2.4's <c>scaled_dot_product_attention</c>
    /// and the math path of <c>nn.MultiheadAttention</c>.
    /// </summary>
    NaN,

    /// <summary>
    /// Equal weights on every key, masked ones included, so the output is the mean of all values: Hugging
    /// Face's eager attention, which fills hidden scores with the dtype's minimum instead of −∞.
    /// </summary>
    Uniform,
}

/// <summary>The row-wise softmax that turns (masked) scores into attention weights (lesson 01).</summary>
public static class Softmax
{
    /// <summary>
    /// Softmax of every row: subtracts the row's maximum before exponentiating (so large scores do
    /// not overflow), and a −∞ score becomes a weight of exactly 0. Each row sums to 1.
    /// </summary>
    /// <exception cref="InvalidOperationException">A row is entirely −∞ and the policy is <see cref="FullyMaskedRowPolicy.Throw"/>.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Matrix<double> Rows(Matrix<double> scores, FullyMaskedRowPolicy policy = FullyMaskedRowPolicy.Throw)
    {
        ArgumentNullException.ThrowIfNull(scores);
        Guard.Defined(policy, nameof(policy));
        if (scores.RowCount == 0 || scores.ColumnCount == 0)
            throw new ArgumentException($"scores is empty ({Masks.Shape(scores)}).", nameof(scores));

        var weights = Matrix<double>.Build.Dense(scores.RowCount, scores.ColumnCount);
        for (int i = 0; i < scores.RowCount; i++)
        {
            double max = double.NegativeInfinity;
            for (int j = 0; j < scores.ColumnCount; j++)
            {
                double s = scores[i, j];
                if (double.IsNaN(s) || double.IsPositiveInfinity(s))
                    throw new ArgumentException($"scores[{i}, {j}] is {s}: scores must be finite numbers or −∞.", nameof(scores));
                if (s > max) max = s;
            }

            if (double.IsNegativeInfinity(max))
            {
                switch (policy)
                {
                    case FullyMaskedRowPolicy.Zeros: continue;
                    case FullyMaskedRowPolicy.NaN: weights.SetRow(i, FullyMaskedWeights(scores.ColumnCount, policy)); continue;
                    case FullyMaskedRowPolicy.Uniform: weights.SetRow(i, FullyMaskedWeights(scores.ColumnCount, policy)); continue;
                    default: throw FullyMaskedRow(i);
                }
            }

            double sum = 0;
            for (int j = 0; j < scores.ColumnCount; j++)
            {
                double e = Math.Exp(scores[i, j] - max); // exp(−∞) is exactly 0
                weights[i, j] = e;
                sum += e;
            }
            for (int j = 0; j < scores.ColumnCount; j++)
                weights[i, j] /= sum;
        }
        return weights;
    }

    /// <summary>The weights a fully masked row gets under a policy that does not throw.</summary>
    internal static double[] FullyMaskedWeights(int keys, FullyMaskedRowPolicy policy) => policy switch
    {
        FullyMaskedRowPolicy.NaN => Enumerable.Repeat(double.NaN, keys).ToArray(),
        FullyMaskedRowPolicy.Uniform => Enumerable.Repeat(1.0 / keys, keys).ToArray(),
        _ => new double[keys],
    };

    /// <summary>The error every attention of the library gives for a fully masked row under <see cref="FullyMaskedRowPolicy.Throw"/>.</summary>
    internal static InvalidOperationException FullyMaskedRow(int row) => new(
        $"Row {row} of the scores is fully masked (every key is −∞), so its softmax would be 0/0 = NaN. " +
        "Check the mask for that query (an all-PAD sequence? left padding with a causal mask?), " +
        "or ask for another FullyMaskedRowPolicy (Zeros, NaN or Uniform, as the frameworks do).");
}
