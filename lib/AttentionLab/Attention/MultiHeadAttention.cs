using AttentionLab.Kernels;
using System.Runtime.CompilerServices;
using MathNet.Numerics.LinearAlgebra;

namespace AttentionLab;

/// <summary>
/// What one multi-head attention call computed, kept for plotting: the output and, per head, the
/// scores QKᵀ/√d_k, the masked scores and the weights (lesson 04).
/// </summary>
/// <param name="Output">The attention output after the output projection, queries × model width.</param>
/// <param name="HeadWeights">Per head, the softmax weights, queries × keys.</param>
/// <param name="HeadScores">Per head, the scores QKᵀ/√d_k before the mask.</param>
/// <param name="HeadMaskedScores">Per head, the scores plus the mask.</param>
/// <param name="Mask">The additive mask every head used (attention mask + key padding), or null for none.</param>
public sealed record MultiHeadAttentionResult(
    Matrix<double> Output,
    IReadOnlyList<Matrix<double>> HeadWeights,
    IReadOnlyList<Matrix<double>> HeadScores,
    IReadOnlyList<Matrix<double>> HeadMaskedScores,
    Matrix<double>? Mask)
{
    /// <summary>The weights averaged over the heads: what nn.MultiheadAttention returns with need_weights=True.</summary>
    public Matrix<double> AverageWeights
    {
        get
        {
            var sum = HeadWeights[0].Clone();
            for (int h = 1; h < HeadWeights.Count; h++) sum += HeadWeights[h];
            return sum / HeadWeights.Count;
        }
    }
}

/// <summary>
/// Multi-head attention laid out like nn.MultiheadAttention: one in-projection stacking [W_q; W_k; W_v],
/// heads as contiguous slices of the model width, then an output projection. Self-attention passes the
/// same matrix as query, key and value; cross-attention passes the decoder's states as query and the
/// encoder's memory as key and value (lessons 04 and 06).
/// </summary>
public sealed partial class MultiHeadAttention
{
    /// <summary>The query projection, rows 0..d−1 of PyTorch's in_proj_weight.</summary>
    public Linear QueryProjection { get; }

    /// <summary>The key projection, rows d..2d−1 of in_proj_weight.</summary>
    public Linear KeyProjection { get; }

    /// <summary>The value projection, rows 2d..3d−1 of in_proj_weight.</summary>
    public Linear ValueProjection { get; }

    /// <summary>The output projection (PyTorch's out_proj).</summary>
    public Linear OutputProjection { get; }

    /// <summary>The number of heads.</summary>
    public int Heads { get; }

    /// <summary>The model width d.</summary>
    public int ModelWidth => QueryProjection.InFeatures;

    /// <summary>The width of each head, d / heads.</summary>
    public int HeadWidth => ModelWidth / Heads;

    /// <summary>[W_q; W_k; W_v] stacked, 3d × d, as PyTorch's in_proj_weight.</summary>
    public Matrix<double> InProjectionWeight =>
        QueryProjection.Weight.Stack(KeyProjection.Weight).Stack(ValueProjection.Weight);

    /// <summary>[b_q; b_k; b_v] stacked, 3d, as PyTorch's in_proj_bias.</summary>
    public Vector<double> InProjectionBias =>
        Vector<double>.Build.DenseOfEnumerable(QueryProjection.Bias.Concat(KeyProjection.Bias).Concat(ValueProjection.Bias));

    /// <summary>Attention from explicit PyTorch-layout weights: in_proj_weight (3d × d), in_proj_bias (3d), out_proj.</summary>
    public MultiHeadAttention(Matrix<double> inProjectionWeight, Vector<double> inProjectionBias, Linear outputProjection, int heads)
    {
        Guard.NotNull(inProjectionWeight, nameof(inProjectionWeight));
        Guard.NotNull(inProjectionBias, nameof(inProjectionBias));
        Guard.NotNull(outputProjection, nameof(outputProjection));
        int d = inProjectionWeight.ColumnCount;
        CheckHeads(d, heads);
        if (inProjectionWeight.RowCount != 3 * d)
            throw new ArgumentException(
                $"inProjectionWeight stacks [W_q; W_k; W_v]: expected {3 * d} × {d}, actual {Guard.Of(inProjectionWeight)}.", nameof(inProjectionWeight));
        if (inProjectionBias.Count != 3 * d)
            throw new ArgumentException(
                $"inProjectionBias stacks [b_q; b_k; b_v]: expected {3 * d} values, actual {inProjectionBias.Count}.", nameof(inProjectionBias));
        if (outputProjection.InFeatures != d || outputProjection.OutFeatures != d)
            throw new ArgumentException(
                $"outputProjection must map the model width to itself: expected weight {d} × {d}, actual {Guard.Of(outputProjection.Weight)}.", nameof(outputProjection));
        Linear Slice(int part) => new(inProjectionWeight.SubMatrix(part * d, d, 0, d), inProjectionBias.SubVector(part * d, d));
        QueryProjection = Slice(0);
        KeyProjection = Slice(1);
        ValueProjection = Slice(2);
        OutputProjection = outputProjection;
        Heads = heads;
    }

    /// <summary>Attention with seeded random weights: Xavier-uniform in-projection, zero biases, as nn.MultiheadAttention.</summary>
    public MultiHeadAttention(int modelWidth, int heads, int seed) : this(modelWidth, heads, new Random(seed)) { }

    internal MultiHeadAttention(int modelWidth, int heads, Random rng)
        : this(RandomInProjection(modelWidth, heads, rng), Vector<double>.Build.Dense(3 * modelWidth),
               new Linear(Initialisation.XavierUniform(modelWidth, modelWidth, rng), Vector<double>.Build.Dense(modelWidth)), heads) { }

    private static Matrix<double> RandomInProjection(int modelWidth, int heads, Random rng)
    {
        CheckHeads(modelWidth, heads);
        return Initialisation.XavierUniform(3 * modelWidth, modelWidth, rng);
    }

    private static void CheckHeads(int modelWidth, int heads)
    {
        Guard.Positive(modelWidth, nameof(modelWidth));
        Guard.Positive(heads, nameof(heads));
        if (modelWidth % heads != 0)
            throw new ArgumentException(
                $"heads must divide the model width so every head gets an equal slice: expected a divisor of {modelWidth}, actual {heads}.", nameof(heads));
    }

    /// <summary>
    /// Attends from every query row to the key/value rows under one <see cref="Mask"/> (queries × keys): every
    /// head uses its additive matrix.
    /// </summary>
    public MultiHeadAttentionResult Forward(
        Matrix<double> query, Matrix<double> key, Matrix<double> value, Mask mask,
        FullyMaskedRowPolicy policy = FullyMaskedRowPolicy.Throw)
    {
        Guard.NotNull(query, nameof(query));
        Guard.NotNull(key, nameof(key));
        Guard.MaskShape(mask, query.RowCount, key.RowCount, nameof(mask));
        return Forward(query, key, value, mask.ToAdditive(), null, policy);
    }

    /// <summary>
    /// Attends from every query row to the key/value rows. attnMask is additive (queries × keys, 0 or −∞);
    /// keyIsPad marks PAD keys (true = PAD, PyTorch's key_padding_mask) and hides their columns in every row.
    /// </summary>
    public MultiHeadAttentionResult Forward(
        Matrix<double> query,
        Matrix<double> key,
        Matrix<double> value,
        Matrix<double>? attnMask = null,
        IReadOnlyList<bool>? keyIsPad = null,
        FullyMaskedRowPolicy policy = FullyMaskedRowPolicy.Throw)
    {
        CheckInputs(query, key, value);
        var mask = CombinedMask(query.RowCount, key.RowCount, attnMask, keyIsPad, policy);
        return Attend(QueryProjection.Forward(query), KeyProjection.Forward(key), ValueProjection.Forward(value), mask, policy);
    }

    /// <summary>Query, key and value rows of the model width; at least one query and one key; one value per key.</summary>
    private void CheckInputs(Matrix<double> query, Matrix<double> key, Matrix<double> value)
    {
        Guard.Columns(query, ModelWidth, nameof(query), "the model width");
        Guard.Columns(key, ModelWidth, nameof(key), "the model width");
        Guard.Columns(value, ModelWidth, nameof(value), "the model width");
        Guard.NonEmpty(query, nameof(query));
        Guard.NonEmpty(key, nameof(key));
        if (value.RowCount != key.RowCount)
            throw new ArgumentException(
                $"value must have one row per key: expected {key.RowCount} × {ModelWidth}, actual {Guard.Of(value)}.", nameof(value));
    }

    internal static Matrix<double>? CombinedMask(
        int queries, int keys, Matrix<double>? attnMask, IReadOnlyList<bool>? keyIsPad, FullyMaskedRowPolicy policy)
    {
        if (attnMask is not null)
            Guard.Exactly(attnMask, queries, keys, nameof(attnMask));
        if (keyIsPad is null) return attnMask;
        Guard.Length(keyIsPad, keys, nameof(keyIsPad), "one flag per key");
        if (policy == FullyMaskedRowPolicy.Throw)
            Guard.NotAllPad(keyIsPad, nameof(keyIsPad));
        var padding = Masks.Padding(keyIsPad, queries);
        return attnMask is null ? padding : Masks.Combine(attnMask, padding);
    }

    /// <summary>The attention of already projected Q, K, V (full width), head by head, then the output projection.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal MultiHeadAttentionResult Attend(
        Matrix<double> q, Matrix<double> k, Matrix<double> v, Matrix<double>? mask, FullyMaskedRowPolicy policy)
    {
        if (FastPath.Enabled && FastAttend(q, k, v, mask, policy) is { } fast) return fast;
        return AttendHeadByHead(q, k, v, mask, policy);
    }

    /// <summary>
    /// The readable loop: each head's attention with every intermediate kept, then the output projection. Training
    /// (lesson 08) calls it directly, as its backward pass reads every head's weights.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal MultiHeadAttentionResult AttendHeadByHead(
        Matrix<double> q, Matrix<double> k, Matrix<double> v, Matrix<double>? mask, FullyMaskedRowPolicy policy)
    {
        int dk = HeadWidth;
        var weights = new Matrix<double>[Heads];
        var scores = new Matrix<double>[Heads];
        var masked = new Matrix<double>[Heads];
        var concatenated = Matrix<double>.Build.Dense(q.RowCount, ModelWidth);
        for (int h = 0; h < Heads; h++)
        {
            var head = Head(
                q.SubMatrix(0, q.RowCount, h * dk, dk),
                k.SubMatrix(0, k.RowCount, h * dk, dk),
                v.SubMatrix(0, v.RowCount, h * dk, dk),
                mask, policy);
            concatenated.SetSubMatrix(0, h * dk, head.Output);
            weights[h] = head.Weights;
            scores[h] = head.Scores;
            masked[h] = head.MaskedScores;
        }
        return new MultiHeadAttentionResult(OutputProjection.Forward(concatenated), weights, scores, masked, mask);
    }

    /// <summary>
    /// The same attention when nothing asks for the heads' matrices yet: the output from
    /// <see cref="MultiHeadKernel"/> (tests check it equal to the readable loop above), and each head's weights,
    /// scores and masked scores computed by the readable attention the first time one of them is read. Null when the
    /// kernel declines (non-finite input or scores, a fully masked row): the readable loop then runs.
    /// </summary>
    private MultiHeadAttentionResult? FastAttend(
        Matrix<double> q, Matrix<double> k, Matrix<double> v, Matrix<double>? mask, FullyMaskedRowPolicy policy)
    {
        int nq = q.RowCount, nk = k.RowCount, dk = HeadWidth;
        var concatenated = GC.AllocateUninitializedArray<double>(nq * ModelWidth);
        if (!MultiHeadKernel.TryAttend(
                MatrixKernels.ColumnMajor(q), MatrixKernels.ColumnMajor(k), MatrixKernels.ColumnMajor(v),
                mask is null ? null : MatrixKernels.ColumnMajor(mask), concatenated, nq, nk, Heads, dk))
            return null;
        var heads = new Lazy<AttentionResult[]>(() => [.. Enumerable.Range(0, Heads).Select(h => Head(
            q.SubMatrix(0, nq, h * dk, dk), k.SubMatrix(0, nk, h * dk, dk), v.SubMatrix(0, nk, h * dk, dk), mask, policy))]);
        var output = OutputProjection.Forward(Matrix<double>.Build.Dense(nq, ModelWidth, concatenated));
        return new MultiHeadAttentionResult(
            output, new HeadsOnDemand(Heads, heads, r => r.Weights), new HeadsOnDemand(Heads, heads, r => r.Scores),
            new HeadsOnDemand(Heads, heads, r => r.MaskedScores), mask);
    }

    /// <summary>One head: the library's scaled dot-product attention (lesson 01) on the head's slices of Q, K and V.</summary>
    private static AttentionResult Head(
        Matrix<double> q, Matrix<double> k, Matrix<double> v, Matrix<double>? mask, FullyMaskedRowPolicy policy) =>
        Attention.ScaledDotProduct(q, k, v, mask, policy);

    /// <summary>
    /// Builds the layer from <c>{prefix}in_proj_weight</c>, <c>{prefix}in_proj_bias</c>,
    /// <c>{prefix}out_proj.weight</c> and <c>{prefix}out_proj.bias</c> of a state_dict.
    /// </summary>
    public static MultiHeadAttention FromStateDict(StateDict stateDict, int modelWidth, int heads, string prefix = "")
    {
        Guard.NotNull(stateDict, nameof(stateDict));
        CheckHeads(modelWidth, heads);
        var reader = new StateDictReader(stateDict, prefix);
        var layer = Load(reader, modelWidth, heads);
        reader.RejectExtra();
        return layer;
    }

    internal static MultiHeadAttention Load(StateDictReader r, int modelWidth, int heads) =>
        new(r.Matrix("in_proj_weight", 3 * modelWidth, modelWidth),
            r.Vector("in_proj_bias", 3 * modelWidth),
            Linear.Load(r.Child("out_proj"), modelWidth, modelWidth),
            heads);

    internal void Save(IDictionary<string, StateTensor> into, string prefix)
    {
        into[prefix + "in_proj_weight"] = StateTensor.From(InProjectionWeight);
        into[prefix + "in_proj_bias"] = StateTensor.From(InProjectionBias);
        OutputProjection.Save(into, prefix + "out_proj.");
    }
}

/// <summary>One matrix per head, computed by the readable attention when first read (the fast path's intermediates).</summary>
internal sealed class HeadsOnDemand(int count, Lazy<AttentionResult[]> heads, Func<AttentionResult, Matrix<double>> part)
    : IReadOnlyList<Matrix<double>>
{
    public Matrix<double> this[int index] => part(heads.Value[index]);
    public int Count => count;
    public IEnumerator<Matrix<double>> GetEnumerator() => heads.Value.Select(part).GetEnumerator();
    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
