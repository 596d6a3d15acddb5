using System.Runtime.CompilerServices;
using AttentionLab.Kernels;

namespace AttentionLab;

/// <summary>
/// <see cref="MultiHeadAttention"/> with a backward pass (lesson 08), in PyTorch's layout: one
/// in-projection [W_q; W_k; W_v] (3d × d), heads as contiguous column slices, an output projection.
/// Per head: S = Q_h K_hᵀ/√d_k + mask, P = softmax(S), O_h = P V_h. Backward per head:
/// ∂L/∂P = ∂L/∂O_h V_hᵀ; ∂L/∂S = P ⊙ (∂L/∂P − rowsum(P ⊙ ∂L/∂P)); ∂L/∂Q_h = ∂L/∂S K_h/√d_k;
/// ∂L/∂K_h = ∂L/∂Sᵀ Q_h/√d_k; ∂L/∂V_h = Pᵀ ∂L/∂O_h. A masked cell has P = 0 exactly, so its ∂L/∂S is
/// exactly 0: no gradient flows through a hidden key, just as no information did.
/// </summary>
public sealed class TrainableAttention
{
    /// <summary>[W_q; W_k; W_v], 3d × d, PyTorch's in_proj_weight.</summary>
    public Parameter InProjectionWeight { get; }

    /// <summary>[b_q; b_k; b_v], 3d, PyTorch's in_proj_bias.</summary>
    public Parameter InProjectionBias { get; }

    /// <summary>The output projection, PyTorch's out_proj.</summary>
    public TrainableLinear OutputProjection { get; }

    /// <summary>The number of heads.</summary>
    public int Heads { get; }

    /// <summary>The model width d.</summary>
    public int ModelWidth { get; }

    /// <summary>The width of each head, d / heads.</summary>
    public int HeadWidth => ModelWidth / Heads;

    /// <summary>A trainable copy of the library layer's weights, named <c>{name}.in_proj_weight</c>, <c>{name}.in_proj_bias</c>, <c>{name}.out_proj.*</c>.</summary>
    public TrainableAttention(MultiHeadAttention layer, string name)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ModelWidth = layer.ModelWidth;
        Heads = layer.Heads;
        InProjectionWeight = new Parameter(name + ".in_proj_weight", [3 * ModelWidth, ModelWidth], FlatKernels.FromMatrix(layer.InProjectionWeight));
        InProjectionBias = new Parameter(name + ".in_proj_bias", [3 * ModelWidth], layer.InProjectionBias.ToArray());
        OutputProjection = new TrainableLinear(layer.OutputProjection, name + ".out_proj");
    }

    /// <summary>The four tensors, in state_dict order.</summary>
    public IEnumerable<Parameter> Parameters => [InProjectionWeight, InProjectionBias, .. OutputProjection.Parameters];

    /// <summary>What backward needs, and the per-head weights for plotting.</summary>
    /// <param name="QueryInput">The rows the queries were projected from, queries × d.</param>
    /// <param name="KeyValueInput">The rows keys and values were projected from, keys × d.</param>
    /// <param name="Q">The projected queries, queries × d (all heads side by side).</param>
    /// <param name="K">The projected keys, keys × d.</param>
    /// <param name="V">The projected values, keys × d.</param>
    /// <param name="Weights">Per head, the softmax weights P, queries × keys, flat.</param>
    /// <param name="Concatenated">The heads' outputs side by side, queries × d: the output projection's input.</param>
    /// <param name="Queries">The number of query rows.</param>
    /// <param name="Keys">The number of key rows.</param>
    public sealed record Cache(
        double[] QueryInput, double[] KeyValueInput, double[] Q, double[] K, double[] V,
        double[][] Weights, double[] Concatenated, int Queries, int Keys);

    /// <summary>
    /// Attends from the nq rows of query to the nk rows of keyValue (the same array for self-attention).
    /// mask is additive, nq × nk flat (0 = visible, −∞ = hidden), or null.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public (double[] Output, Cache Cache) Forward(double[] query, int nq, double[] keyValue, int nk, double[]? mask)
    {
        int d = ModelWidth, dk = HeadWidth;
        var w = InProjectionWeight.Value;
        var b = InProjectionBias.Value;
        var q = Project(query, nq, w, b, part: 0);
        var k = Project(keyValue, nk, w, b, part: 1);
        var v = Project(keyValue, nk, w, b, part: 2);
        double scale = Math.Sqrt(dk);
        var weights = new double[Heads][];
        var concatenated = new double[nq * d];
        for (int h = 0; h < Heads; h++)
        {
            var qh = FlatKernels.Columns(q, nq, d, h * dk, dk);
            var kh = FlatKernels.Columns(k, nk, d, h * dk, dk);
            var vh = FlatKernels.Columns(v, nk, d, h * dk, dk);
            var p = FlatKernels.MultiplyTransposed(qh, kh, nq, dk, nk);
            for (int i = 0; i < p.Length; i++)
            {
                p[i] /= scale;
                if (mask is not null) p[i] += mask[i];
            }
            SoftmaxRows(p, nq, nk);
            weights[h] = p;
            FlatKernels.AddColumns(FlatKernels.Multiply(p, vh, nq, nk, dk), nq, dk, concatenated, d, h * dk);
        }
        var output = OutputProjection.Forward(concatenated, nq);
        return (output, new Cache(query, keyValue, q, k, v, weights, concatenated, nq, nk));
    }

    /// <summary>Adds every weight's gradient and returns ∂L/∂query and ∂L/∂keyValue (add the two for self-attention).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public (double[] Query, double[] KeyValue) Backward(Cache cache, double[] dy, Gradients gradients)
    {
        int d = ModelWidth, dk = HeadWidth, nq = cache.Queries, nk = cache.Keys;
        double scale = Math.Sqrt(dk);
        var dConcatenated = OutputProjection.Backward(cache.Concatenated, dy, nq, gradients);
        var dq = new double[nq * d];
        var dk_ = new double[nk * d];
        var dv = new double[nk * d];
        for (int h = 0; h < Heads; h++)
        {
            var p = cache.Weights[h];
            var dOh = FlatKernels.Columns(dConcatenated, nq, d, h * dk, dk);
            var qh = FlatKernels.Columns(cache.Q, nq, d, h * dk, dk);
            var kh = FlatKernels.Columns(cache.K, nk, d, h * dk, dk);
            var vh = FlatKernels.Columns(cache.V, nk, d, h * dk, dk);
            var dScores = FlatKernels.MultiplyTransposed(dOh, vh, nq, dk, nk); // ∂L/∂P
            for (int i = 0; i < nq; i++)
            {
                int o = i * nk;
                double along = 0; // Σ_j P_ij ∂L/∂P_ij
                for (int j = 0; j < nk; j++) along += p[o + j] * dScores[o + j];
                for (int j = 0; j < nk; j++) dScores[o + j] = p[o + j] * (dScores[o + j] - along) / scale; // 0 wherever P is 0
            }
            FlatKernels.AddColumns(FlatKernels.Multiply(dScores, kh, nq, nk, dk), nq, dk, dq, d, h * dk);
            var dKh = new double[nk * dk];
            FlatKernels.AddTransposedMultiply(dScores, qh, nq, nk, dk, dKh);
            FlatKernels.AddColumns(dKh, nk, dk, dk_, d, h * dk);
            var dVh = new double[nk * dk];
            FlatKernels.AddTransposedMultiply(p, dOh, nq, nk, dk, dVh);
            FlatKernels.AddColumns(dVh, nk, dk, dv, d, h * dk);
        }
        var dQuery = ProjectBackward(cache.QueryInput, nq, dq, 0, gradients);
        var dKeyValue = ProjectBackward(cache.KeyValueInput, nk, dk_, 1, gradients);
        var fromValues = ProjectBackward(cache.KeyValueInput, nk, dv, 2, gradients);
        for (int i = 0; i < dKeyValue.Length; i++) dKeyValue[i] += fromValues[i];
        return (dQuery, dKeyValue);
    }

    // part 0, 1, 2 = the rows of [W_q; W_k; W_v] (and of the bias) that make Q, K or V.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private double[] Project(double[] x, int n, double[] w, double[] b, int part)
    {
        int d = ModelWidth;
        var y = FlatKernels.MultiplyTransposed(x, w, n, d, d, bOffset: part * d * d);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++) y[i * d + j] += b[part * d + j];
        return y;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private double[] ProjectBackward(double[] x, int n, double[] dy, int part, Gradients gradients)
    {
        int d = ModelWidth;
        FlatKernels.AddTransposedMultiply(dy, x, n, d, d, gradients[InProjectionWeight], cOffset: part * d * d);
        var db = gradients[InProjectionBias];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++) db[part * d + j] += dy[i * d + j];
        return FlatKernels.Multiply(dy, InProjectionWeight.Value, n, d, d, bOffset: part * d * d);
    }

    /// <summary>Softmax of each row in place, the maximum subtracted first; a fully masked row is an error, never NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void SoftmaxRows(double[] s, int rows, int columns)
    {
        for (int i = 0; i < rows; i++)
        {
            int o = i * columns;
            double max = double.NegativeInfinity;
            for (int j = 0; j < columns; j++) if (s[o + j] > max) max = s[o + j];
            if (double.IsNegativeInfinity(max))
                throw Softmax.FullyMaskedRow(i);
            double sum = 0;
            for (int j = 0; j < columns; j++)
            {
                s[o + j] = Math.Exp(s[o + j] - max); // exp(−∞) is exactly 0
                sum += s[o + j];
            }
            for (int j = 0; j < columns; j++) s[o + j] /= sum;
        }
    }
}
