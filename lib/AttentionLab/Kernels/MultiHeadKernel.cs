using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace AttentionLab.Kernels;

/// <summary>
/// The fast path of <see cref="MultiHeadAttention"/>: every head's softmax(Q_h K_hᵀ / √d_k + mask) V_h written
/// straight into its columns of the concatenated output, without the scores, masked scores and weights a lesson
/// plots (the attention asks the readable <see cref="Attention.ScaledDotProduct(MathNet.Numerics.LinearAlgebra.Matrix{double}, MathNet.Numerics.LinearAlgebra.Matrix{double}, MathNet.Numerics.LinearAlgebra.Matrix{double}, MathNet.Numerics.LinearAlgebra.Matrix{double}?, FullyMaskedRowPolicy)"/>
/// for those only when they are read). The products are <see cref="MatrixKernels"/>' register tiles on the heads'
/// columns in place; the softmax's shift and scale are TensorPrimitives' span arithmetic, its exp the fused kernel's.
/// </summary>
/// <remarks>
/// Everything is column-major, MathNet's layout: column j of the scores holds key j's score for every query, so
/// the row-wise max, shift and sum of the softmax are span operations over the queries, one per key.
/// </remarks>
internal static class MultiHeadKernel
{
    /// <summary>
    /// Attends with every head. q is queries × heads·d_k, k and v keys × heads·d_k, mask queries × keys or null,
    /// output queries × heads·d_k, all column-major. Returns false (output then unspecified) for anything but the
    /// ordinary case: an input that is not finite, a score of NaN or +∞, or a query that sees no key. The readable
    /// path then answers, with its errors and its fully-masked-row policies.
    /// </summary>
    public static bool TryAttend(
        double[] q, double[] k, double[] v, double[]? mask, double[] output, int queries, int keys, int heads, int headWidth)
    {
        int nq = queries, nk = keys, dk = headWidth, d = heads * headWidth;
        if (!Finite(q.AsSpan(0, nq * d)) || !Finite(k.AsSpan(0, nk * d)) || !Finite(v.AsSpan(0, nk * d))) return false;
        var pool = ArrayPool<double>.Shared;
        double[] scores = pool.Rent(nq * nk), values = pool.Rent(nk * dk), max = pool.Rent(nq), sum = pool.Rent(nq);
        try
        {
            var s = scores.AsSpan(0, nq * nk);
            var rowMax = max.AsSpan(0, nq);
            var rowSum = sum.AsSpan(0, nq);
            double root = Math.Sqrt(dk);
            for (int h = 0; h < heads; h++)
            {
                // Scores Q_h K_hᵀ / √d_k (+ mask), queries × keys.
                MatrixKernels.MultiplyTransposed(q, h * dk * nq, k, h * dk * nk, null, scores, 0, nq, nk, dk, relu: false);
                TensorPrimitives.Divide(s, root, s);
                if (mask is not null) TensorPrimitives.Add(s, mask.AsSpan(0, nq * nk), s);

                // Softmax of every row: subtract the row's max, exponentiate, sum (the division comes after · V).
                rowMax.Fill(double.NegativeInfinity);
                for (int j = 0; j < nk; j++) TensorPrimitives.Max(rowMax, s.Slice(j * nq, nq), rowMax);
                foreach (double m in rowMax)
                    if (!double.IsFinite(m)) return false; // NaN or +∞ somewhere in the row, or every key hidden
                ExpAndSum(scores, nq, nk, max, sum);

                // Output_h = exp-scores · V_h / row sum, into the head's columns. V_h is copied key by key
                // (keys × d_k, row-major), which is the layout the product kernel reads its right operand in.
                for (int c = 0; c < dk; c++)
                    for (int j = 0; j < nk; j++)
                        values[j * dk + c] = v[(h * dk + c) * nk + j];
                MatrixKernels.MultiplyTransposed(scores, 0, values, 0, null, output, h * dk * nq, nq, dk, nk, relu: false);
                for (int c = 0; c < dk; c++)
                {
                    var column = output.AsSpan((h * dk + c) * nq, nq);
                    TensorPrimitives.Divide(column, rowSum, column);
                }
            }
            return true;
        }
        finally
        {
            pool.Return(scores);
            pool.Return(values);
            pool.Return(max);
            pool.Return(sum);
        }
    }

    /// <summary>
    /// s[i, j] = exp(s[i, j] − max[i]) and sum[i] = Σ_j s[i, j], four queries at a time. The exp is the fused
    /// kernel's <see cref="Lanes256.Exp"/>: TensorPrimitives.Exp leaves its vector path for every −∞ a mask puts
    /// among the scores and measured 9× slower on a causal tile (KernelChoiceBenchmarks, ExpBenchmarks).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ExpAndSum(double[] s, int nq, int nk, double[] max, double[] sum)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
            for (; i + 4 <= nq; i += 4)
            {
                var m = Vector256.Create(max, i);
                var total = Vector256<double>.Zero;
                for (int j = 0; j < nk; j++)
                {
                    var e = Lanes256.Exp(Vector256.Create(s, j * nq + i) - m); // exp(−∞) is exactly 0
                    e.CopyTo(s, j * nq + i);
                    total += e;
                }
                total.CopyTo(sum, i);
            }
        for (; i < nq; i++)
        {
            double total = 0;
            for (int j = 0; j < nk; j++) total += s[j * nq + i] = Math.Exp(s[j * nq + i] - max[i]);
            sum[i] = total;
        }
    }

    /// <summary>True when every number is finite (a sum of ±∞ or NaN is not; a finite sum that overflows sends the call to the readable path, which is still right).</summary>
    private static bool Finite(ReadOnlySpan<double> x) => double.IsFinite(TensorPrimitives.Sum(x));
}
