using MathNet.Numerics.LinearAlgebra;

namespace AttentionLab;

/// <summary>What one decoder layer computed: its output, its masked self-attention and its cross-attention.</summary>
/// <param name="Output">The layer's output, target length × d.</param>
/// <param name="SelfAttention">The causally masked self-attention over the target.</param>
/// <param name="CrossAttention">The attention from target queries to the encoder's memory.</param>
public sealed record DecoderLayerResult(
    Matrix<double> Output, MultiHeadAttentionResult SelfAttention, MultiHeadAttentionResult CrossAttention);

/// <summary>
/// One decoder layer, exactly nn.TransformerDecoderLayer with ReLU and no dropout (lessons 05 and 06).
/// Post-norm (PyTorch's default, norm_first=False): x = norm1(x + self_attn(x));
/// x = norm2(x + multihead_attn(x, memory)); x = norm3(x + feed_forward(x)). Pre-norm
/// (<see cref="NormFirst"/>, norm_first=True): x = x + self_attn(norm1(x)); x = x + multihead_attn(norm2(x), memory);
/// x = x + feed_forward(norm3(x)).
/// </summary>
public sealed partial class DecoderLayer
{
    /// <summary>Masked self-attention over the target (PyTorch's self_attn).</summary>
    public MultiHeadAttention SelfAttention { get; }

    /// <summary>Cross-attention to the encoder's memory (PyTorch's multihead_attn).</summary>
    public MultiHeadAttention CrossAttention { get; }

    /// <summary>The feed-forward block (PyTorch's linear1 and linear2).</summary>
    public FeedForward FeedForward { get; }

    /// <summary>The norm after the self-attention residual.</summary>
    public LayerNorm Norm1 { get; }

    /// <summary>The norm after the cross-attention residual.</summary>
    public LayerNorm Norm2 { get; }

    /// <summary>The norm after the feed-forward residual.</summary>
    public LayerNorm Norm3 { get; }

    /// <summary>The model width d.</summary>
    public int ModelWidth => SelfAttention.ModelWidth;

    /// <summary>Pre-norm (PyTorch's norm_first=True): each block normalises its input, and the residual adds the raw x.</summary>
    public bool NormFirst { get; }

    /// <summary>A layer from explicit parts, whose widths must agree; pre-norm when <paramref name="normFirst"/>.</summary>
    public DecoderLayer(
        MultiHeadAttention selfAttention, MultiHeadAttention crossAttention, FeedForward feedForward,
        LayerNorm norm1, LayerNorm norm2, LayerNorm norm3, bool normFirst = false)
    {
        Guard.NotNull(selfAttention, nameof(selfAttention));
        Guard.NotNull(crossAttention, nameof(crossAttention));
        Guard.NotNull(feedForward, nameof(feedForward));
        Guard.NotNull(norm1, nameof(norm1));
        Guard.NotNull(norm2, nameof(norm2));
        Guard.NotNull(norm3, nameof(norm3));
        int d = selfAttention.ModelWidth;
        LayerParts.SameWidth(crossAttention.ModelWidth, d, nameof(crossAttention));
        LayerParts.SameWidth(feedForward.ModelWidth, d, nameof(feedForward));
        LayerParts.SameWidth(norm1.Width, d, nameof(norm1));
        LayerParts.SameWidth(norm2.Width, d, nameof(norm2));
        LayerParts.SameWidth(norm3.Width, d, nameof(norm3));
        SelfAttention = selfAttention;
        CrossAttention = crossAttention;
        FeedForward = feedForward;
        Norm1 = norm1;
        Norm2 = norm2;
        Norm3 = norm3;
        NormFirst = normFirst;
    }

    /// <summary>A layer with seeded random weights.</summary>
    public DecoderLayer(int modelWidth, int heads, int feedForwardWidth, int seed, bool normFirst = false)
        : this(modelWidth, heads, feedForwardWidth, new Random(seed), normFirst) { }

    internal DecoderLayer(int modelWidth, int heads, int feedForwardWidth, Random rng, bool normFirst = false)
        : this(new MultiHeadAttention(modelWidth, heads, rng), new MultiHeadAttention(modelWidth, heads, rng),
               new FeedForward(modelWidth, feedForwardWidth, rng),
               new LayerNorm(modelWidth), new LayerNorm(modelWidth), new LayerNorm(modelWidth), normFirst) { }

    /// <summary>
    /// Runs the layer with its two masks as <see cref="Mask"/>s: the self-attention's (T × T, e.g. causal ∧ key
    /// padding) and the cross-attention's (T × S, the source's key padding).
    /// </summary>
    public DecoderLayerResult Forward(Matrix<double> x, Matrix<double> memory, Mask selfMask, Mask crossMask)
    {
        Guard.NotNull(x, nameof(x));
        Guard.NotNull(memory, nameof(memory));
        Guard.MaskShape(selfMask, x.RowCount, x.RowCount, nameof(selfMask));
        Guard.MaskShape(crossMask, x.RowCount, memory.RowCount, nameof(crossMask));
        return Forward(x, memory, selfMask.ToAdditive(), crossMask: crossMask.ToAdditive());
    }

    /// <summary>
    /// Runs the layer over the target x (T × d) and the encoder's memory (S × d). selfMask is additive
    /// (T × T, usually <see cref="Masks.Causal(int)"/>); targetIsPad and memoryIsPad mark PAD positions
    /// (PyTorch's tgt_key_padding_mask and memory_key_padding_mask). Cross-attention needs no causal
    /// mask: the memory is the source, which the decoder may read entirely. crossMask is an optional additive
    /// T × S mask for the cross-attention, added to the memory's padding.
    /// </summary>
    public DecoderLayerResult Forward(
        Matrix<double> x,
        Matrix<double> memory,
        Matrix<double>? selfMask = null,
        IReadOnlyList<bool>? targetIsPad = null,
        IReadOnlyList<bool>? memoryIsPad = null,
        Matrix<double>? crossMask = null)
    {
        CheckInputs(x, memory);
        if (NormFirst)
        {
            var normed = Norm1.Forward(x);
            var selfAttention = SelfAttention.Forward(normed, normed, normed, selfMask, targetIsPad);
            var r1 = x + selfAttention.Output;
            var crossAttention = CrossAttention.Forward(Norm2.Forward(r1), memory, memory, crossMask, memoryIsPad);
            var r2 = r1 + crossAttention.Output;
            return new DecoderLayerResult(r2 + FeedForward.Forward(Norm3.Forward(r2)), selfAttention, crossAttention);
        }

        var self = SelfAttention.Forward(x, x, x, selfMask, targetIsPad);
        var h1 = Norm1.Forward(x + self.Output);
        var cross = CrossAttention.Forward(h1, memory, memory, crossMask, memoryIsPad);
        var h2 = Norm2.Forward(h1 + cross.Output);
        var output = Norm3.Forward(h2 + FeedForward.Forward(h2));
        return new DecoderLayerResult(output, self, cross);
    }

    /// <summary>Target rows and memory rows of the model width, at least one of each.</summary>
    private void CheckInputs(Matrix<double> x, Matrix<double> memory)
    {
        Guard.Columns(x, ModelWidth, nameof(x), "the model width");
        Guard.NonEmpty(x, nameof(x));
        Guard.Columns(memory, ModelWidth, nameof(memory), "the model width");
        Guard.NonEmpty(memory, nameof(memory));
    }

    /// <summary>
    /// One decoding step with a cache: x is the newest position only (1 × d). Its key and value join the
    /// cache, and it attends to every cached position; no mask is needed because the cache holds no future.
    /// </summary>
    internal DecoderLayerResult Step(Matrix<double> x, KeyValueCache.LayerCache cache)
    {
        // Pre-norm attends from norm1(x); the residual still adds the raw x.
        var attended = NormFirst ? Norm1.Forward(x) : x;
        var q = SelfAttention.QueryProjection.Forward(attended);
        cache.Append(SelfAttention.KeyProjection.Forward(attended), SelfAttention.ValueProjection.Forward(attended));
        var self = SelfAttention.Attend(q, cache.Keys, cache.Values, null, FullyMaskedRowPolicy.Throw);
        var h1 = NormFirst ? x + self.Output : Norm1.Forward(x + self.Output);
        var cross = CrossAttention.Attend(
            CrossAttention.QueryProjection.Forward(NormFirst ? Norm2.Forward(h1) : h1), cache.MemoryKeys, cache.MemoryValues,
            cache.MemoryMask, FullyMaskedRowPolicy.Throw);
        var h2 = NormFirst ? h1 + cross.Output : Norm2.Forward(h1 + cross.Output);
        var output = NormFirst ? h2 + FeedForward.Forward(Norm3.Forward(h2)) : Norm3.Forward(h2 + FeedForward.Forward(h2));
        return new DecoderLayerResult(output, self, cross);
    }

    /// <summary>Builds the layer from a state_dict with nn.TransformerDecoderLayer's names under prefix (e.g. <c>decoder.layers.0.</c>).</summary>
    public static DecoderLayer FromStateDict(
        StateDict stateDict, int modelWidth, int heads, int feedForwardWidth, string prefix = "", bool normFirst = false)
    {
        Guard.NotNull(stateDict, nameof(stateDict));
        var reader = new StateDictReader(stateDict, prefix);
        var layer = Load(reader, modelWidth, heads, feedForwardWidth, normFirst);
        reader.RejectExtra();
        return layer;
    }

    internal static DecoderLayer Load(StateDictReader r, int modelWidth, int heads, int feedForwardWidth, bool normFirst = false) =>
        new(MultiHeadAttention.Load(r.Child("self_attn"), modelWidth, heads),
            MultiHeadAttention.Load(r.Child("multihead_attn"), modelWidth, heads),
            FeedForward.Load(r, modelWidth, feedForwardWidth),
            LayerNorm.Load(r.Child("norm1"), modelWidth),
            LayerNorm.Load(r.Child("norm2"), modelWidth),
            LayerNorm.Load(r.Child("norm3"), modelWidth),
            normFirst);

    internal void Save(IDictionary<string, StateTensor> into, string prefix)
    {
        SelfAttention.Save(into, prefix + "self_attn.");
        CrossAttention.Save(into, prefix + "multihead_attn.");
        FeedForward.Save(into, prefix);
        Norm1.Save(into, prefix + "norm1.");
        Norm2.Save(into, prefix + "norm2.");
        Norm3.Save(into, prefix + "norm3.");
    }
}
