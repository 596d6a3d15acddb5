using System.Runtime.CompilerServices;
using MathNet.Numerics.LinearAlgebra;
using AttentionLab.Kernels;

namespace AttentionLab;

/// <summary>What a multi-head attention computed, kept for its backward pass (lesson 08).</summary>
/// <param name="Query">The rows the queries were projected from.</param>
/// <param name="Key">The rows the keys were projected from.</param>
/// <param name="Value">The rows the values were projected from.</param>
/// <param name="Q">The projected queries, all heads side by side (queries × d).</param>
/// <param name="K">The projected keys (keys × d).</param>
/// <param name="V">The projected values (keys × d).</param>
/// <param name="Result">The attention itself: output, and per head the weights, scores and masked scores.</param>
public sealed record MultiHeadAttentionTape(
    Matrix<double> Query, Matrix<double> Key, Matrix<double> Value,
    Matrix<double> Q, Matrix<double> K, Matrix<double> V, MultiHeadAttentionResult Result)
{
    /// <summary>The attention's output, queries × d.</summary>
    public Matrix<double> Output => Result.Output;
}

/// <summary>The gradients a multi-head attention sends back to its three inputs.</summary>
/// <param name="Query">∂L/∂query.</param>
/// <param name="Key">∂L/∂key.</param>
/// <param name="Value">∂L/∂value.</param>
public sealed record MultiHeadAttentionGradients(Matrix<double> Query, Matrix<double> Key, Matrix<double> Value);

public sealed partial class MultiHeadAttention
{
    /// <summary>
    /// W_q, W_k, W_v (the three blocks of PyTorch's in_proj_weight), their biases and out_proj, as trainable
    /// parameters: <c>{prefix}in_proj_weight[q]</c>, …, <c>{prefix}out_proj.weight</c>, <c>{prefix}out_proj.bias</c>.
    /// </summary>
    public IEnumerable<Parameter> Parameters(string prefix = "")
    {
        foreach (var (part, layer) in new[] { ("q", QueryProjection), ("k", KeyProjection), ("v", ValueProjection) })
        {
            yield return new Parameter($"{prefix}in_proj_weight[{part}]", layer.Weight);
            yield return new Parameter($"{prefix}in_proj_bias[{part}]", layer.Bias);
        }
        foreach (var p in OutputProjection.Parameters(prefix + "out_proj.")) yield return p;
    }

    /// <summary>
    /// <see cref="Forward(Matrix{double}, Matrix{double}, Matrix{double}, Mask, FullyMaskedRowPolicy)"/> for
    /// training (lesson 08): the same projections and the same attention per head (<see cref="Attention.ScaledDotProduct(Matrix{double}, Matrix{double}, Matrix{double}, Matrix{double}?, FullyMaskedRowPolicy)"/>),
    /// keeping what the backward pass needs. mask is queries × keys, or null when nothing is hidden.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public MultiHeadAttentionTape ForwardForTraining(
        Matrix<double> query, Matrix<double> key, Matrix<double> value, Mask? mask,
        FullyMaskedRowPolicy policy = FullyMaskedRowPolicy.Throw)
    {
        CheckInputs(query, key, value);
        if (mask is not null) Guard.MaskShape(mask, query.RowCount, key.RowCount, nameof(mask));
        var q = QueryProjection.Forward(query);
        var k = KeyProjection.Forward(key);
        var v = ValueProjection.Forward(value);
        return new MultiHeadAttentionTape(query, key, value, q, k, v, AttendHeadByHead(q, k, v, mask?.ToAdditive(), policy));
    }

    /// <summary>
    /// The backward pass (lesson 08): adds the gradients of every projection into gradients and returns
    /// ∂L/∂query, ∂L/∂key and ∂L/∂value (for self-attention, add the three). Per head, with
    /// S = Q_h K_hᵀ/√d_k + mask, P = softmax(S), O_h = P V_h: ∂L/∂P = ∂L/∂O_h V_hᵀ;
    /// ∂L/∂S = P ⊙ (∂L/∂P − rowsum(P ⊙ ∂L/∂P)); ∂L/∂Q_h = ∂L/∂S K_h/√d_k; ∂L/∂K_h = ∂L/∂Sᵀ Q_h/√d_k;
    /// ∂L/∂V_h = Pᵀ ∂L/∂O_h. A hidden key has P = 0 exactly, so its ∂L/∂S is exactly 0: no gradient flows
    /// through a key the mask hides, just as no information did. A fully masked row's weights do not depend
    /// on its scores (every <see cref="FullyMaskedRowPolicy"/> fixes them), so its ∂L/∂S is 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public MultiHeadAttentionGradients Backward(MultiHeadAttentionTape tape, Matrix<double> dy, Gradients gradients)
    {
        Guard.NotNull(tape, nameof(tape));
        Guard.Exactly(dy, tape.Q.RowCount, ModelWidth, nameof(dy));
        Guard.NotNull(gradients, nameof(gradients));
        // Column-major storage: head h of an n × d matrix is the contiguous run of its columns h·d_k … (h + 1)·d_k − 1.
        int nq = tape.Q.RowCount, nk = tape.K.RowCount, d = ModelWidth, dk = HeadWidth;
        Span<double> Head(double[] m, int rows, int h) => m.AsSpan(h * dk * rows, dk * rows);
        double[] q = Columns(tape.Q), k = Columns(tape.K), v = Columns(tape.V);
        var weights = tape.Result.HeadWeights.Select(Columns).ToArray();

        var concatenated = new double[nq * d]; // O_h = P V_h side by side: the output projection's input
        for (int h = 0; h < Heads; h++) BackwardKernels.Multiply(weights[h], nq, nk, Head(v, nk, h), dk, Head(concatenated, nq, h));
        var dConcatenated = Columns(OutputProjection.Backward(Matrix<double>.Build.Dense(nq, d, concatenated), dy, gradients));

        double[] dq = new double[nq * d], dKeys = new double[nk * d], dv = new double[nk * d], ds = new double[nq * nk];
        double scale = Math.Sqrt(dk);
        var fullyMasked = FullyMaskedRows(tape.Result.Mask);
        for (int h = 0; h < Heads; h++)
        {
            var p = weights[h];
            var dOh = Head(dConcatenated, nq, h);
            BackwardKernels.Multiply(dOh, nq, dk, Head(v, nk, h), nk, ds, transposeB: true); // ∂L/∂P, queries × keys
            for (int i = 0; i < nq; i++)
            {
                double along = 0; // Σ_j P_ij ∂L/∂P_ij
                for (int j = 0; j < nk; j++) along += p[j * nq + i] * ds[j * nq + i];
                bool fixedRow = fullyMasked?[i] == true;
                for (int j = 0; j < nk; j++) ds[j * nq + i] = fixedRow ? 0 : p[j * nq + i] * (ds[j * nq + i] - along) / scale;
            }
            BackwardKernels.Multiply(ds, nq, nk, Head(k, nk, h), dk, Head(dq, nq, h));
            BackwardKernels.TransposeThisAndMultiply(ds, nq, nk, Head(q, nq, h), dk, Head(dKeys, nk, h));
            BackwardKernels.TransposeThisAndMultiply(p, nq, nk, dOh, dk, Head(dv, nk, h));
        }
        return new MultiHeadAttentionGradients(
            QueryProjection.Backward(tape.Query, Matrix<double>.Build.Dense(nq, d, dq), gradients),
            KeyProjection.Backward(tape.Key, Matrix<double>.Build.Dense(nk, d, dKeys), gradients),
            ValueProjection.Backward(tape.Value, Matrix<double>.Build.Dense(nk, d, dv), gradients));
    }

    private static double[] Columns(Matrix<double> m) => m.AsColumnMajorArray() ?? m.ToColumnMajorArray();

    // The rows of an additive mask that hide every key, or null when none does.
    private static bool[]? FullyMaskedRows(Matrix<double>? mask)
    {
        if (mask is null) return null;
        var rows = new bool[mask.RowCount];
        bool any = false;
        for (int i = 0; i < rows.Length; i++)
        {
            bool all = true;
            for (int j = 0; j < mask.ColumnCount && all; j++) all = double.IsNegativeInfinity(mask[i, j]);
            any |= rows[i] = all;
        }
        return any ? rows : null;
    }
}
