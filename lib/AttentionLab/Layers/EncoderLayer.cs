using MathNet.Numerics.LinearAlgebra;

namespace AttentionLab;

/// <summary>What one encoder layer computed: its output and its self-attention, for plotting.</summary>
/// <param name="Output">The layer's output, n × d.</param>
/// <param name="SelfAttention">The self-attention inside the layer, per head.</param>
public sealed record EncoderLayerResult(Matrix<double> Output, MultiHeadAttentionResult SelfAttention);

/// <summary>
/// One encoder layer, exactly nn.TransformerEncoderLayer with ReLU and no dropout (lesson 04). Post-norm
/// (PyTorch's default, norm_first=False): x = norm1(x + self_attn(x)); x = norm2(x + feed_forward(x)).
/// Pre-norm (<see cref="NormFirst"/>, norm_first=True): x = x + self_attn(norm1(x)); x = x + feed_forward(norm2(x)).
/// Only the padding mask applies.
/// </summary>
public sealed partial class EncoderLayer
{
    /// <summary>Self-attention over the source (PyTorch's self_attn).</summary>
    public MultiHeadAttention SelfAttention { get; }

    /// <summary>The feed-forward block (PyTorch's linear1 and linear2).</summary>
    public FeedForward FeedForward { get; }

    /// <summary>The norm after the attention residual.</summary>
    public LayerNorm Norm1 { get; }

    /// <summary>The norm after the feed-forward residual.</summary>
    public LayerNorm Norm2 { get; }

    /// <summary>The model width d.</summary>
    public int ModelWidth => SelfAttention.ModelWidth;

    /// <summary>Pre-norm (PyTorch's norm_first=True): each block normalises its input, and the residual adds the raw x.</summary>
    public bool NormFirst { get; }

    /// <summary>A layer from explicit parts, whose widths must agree; pre-norm when <paramref name="normFirst"/>.</summary>
    public EncoderLayer(MultiHeadAttention selfAttention, FeedForward feedForward, LayerNorm norm1, LayerNorm norm2, bool normFirst = false)
    {
        Guard.NotNull(selfAttention, nameof(selfAttention));
        Guard.NotNull(feedForward, nameof(feedForward));
        Guard.NotNull(norm1, nameof(norm1));
        Guard.NotNull(norm2, nameof(norm2));
        int d = selfAttention.ModelWidth;
        LayerParts.SameWidth(feedForward.ModelWidth, d, nameof(feedForward));
        LayerParts.SameWidth(norm1.Width, d, nameof(norm1));
        LayerParts.SameWidth(norm2.Width, d, nameof(norm2));
        SelfAttention = selfAttention;
        FeedForward = feedForward;
        Norm1 = norm1;
        Norm2 = norm2;
        NormFirst = normFirst;
    }

    /// <summary>A layer with seeded random weights.</summary>
    public EncoderLayer(int modelWidth, int heads, int feedForwardWidth, int seed, bool normFirst = false)
        : this(modelWidth, heads, feedForwardWidth, new Random(seed), normFirst) { }

    internal EncoderLayer(int modelWidth, int heads, int feedForwardWidth, Random rng, bool normFirst = false)
        : this(new MultiHeadAttention(modelWidth, heads, rng), new FeedForward(modelWidth, feedForwardWidth, rng),
               new LayerNorm(modelWidth), new LayerNorm(modelWidth), normFirst) { }

    /// <summary>Runs the layer over x (n × d) with its self-attention under one <see cref="Mask"/> (n × n).</summary>
    public EncoderLayerResult Forward(Matrix<double> x, Mask mask)
    {
        Guard.NotNull(x, nameof(x));
        Guard.MaskShape(mask, x.RowCount, x.RowCount, nameof(mask));
        return Forward(x, mask.ToAdditive());
    }

    /// <summary>
    /// Runs the layer over x (n × d). mask is additive (n × n) or null; keyIsPad marks PAD positions
    /// (PyTorch's src_key_padding_mask). PAD rows still compute; later stages ignore them. policy says what a
    /// query that sees no key gets (lesson 09).
    /// </summary>
    public EncoderLayerResult Forward(
        Matrix<double> x, Matrix<double>? mask = null, IReadOnlyList<bool>? keyIsPad = null,
        FullyMaskedRowPolicy policy = FullyMaskedRowPolicy.Throw)
    {
        Guard.Columns(x, ModelWidth, nameof(x), "the model width");
        Guard.NonEmpty(x, nameof(x));
        if (NormFirst)
        {
            var normed = Norm1.Forward(x);
            var selfAttention = SelfAttention.Forward(normed, normed, normed, mask, keyIsPad, policy);
            var residual = x + selfAttention.Output;
            return new EncoderLayerResult(residual + FeedForward.Forward(Norm2.Forward(residual)), selfAttention);
        }

        var attention = SelfAttention.Forward(x, x, x, mask, keyIsPad, policy);
        var h = Norm1.Forward(x + attention.Output);
        var output = Norm2.Forward(h + FeedForward.Forward(h));
        return new EncoderLayerResult(output, attention);
    }

    /// <summary>
    /// One generation step of the layer used as a decoder-only block (lesson 12): x is the newest position
    /// (1 × d); its key and value join the cache, and it attends to every cached position that is not PAD.
    /// </summary>
    internal Matrix<double> Step(Matrix<double> x, DecoderOnlyCache.LayerCache cache, bool isPad, FullyMaskedRowPolicy policy)
    {
        var attended = NormFirst ? Norm1.Forward(x) : x;
        cache.Append(SelfAttention.KeyProjection.Forward(attended), SelfAttention.ValueProjection.Forward(attended), isPad);
        var mask = cache.KeyIsPad.Any(p => p) ? Masks.Padding(cache.KeyIsPad, 1) : null;
        var attention = SelfAttention.Attend(
            SelfAttention.QueryProjection.Forward(attended), cache.Keys, cache.Values, mask, policy);
        if (NormFirst)
        {
            var residual = x + attention.Output;
            return residual + FeedForward.Forward(Norm2.Forward(residual));
        }

        var h = Norm1.Forward(x + attention.Output);
        return Norm2.Forward(h + FeedForward.Forward(h));
    }

    /// <summary>Builds the layer from a state_dict with nn.TransformerEncoderLayer's names under prefix (e.g. <c>encoder.layers.0.</c>).</summary>
    public static EncoderLayer FromStateDict(
        StateDict stateDict, int modelWidth, int heads, int feedForwardWidth, string prefix = "", bool normFirst = false)
    {
        Guard.NotNull(stateDict, nameof(stateDict));
        var reader = new StateDictReader(stateDict, prefix);
        var layer = Load(reader, modelWidth, heads, feedForwardWidth, normFirst);
        reader.RejectExtra();
        return layer;
    }

    internal static EncoderLayer Load(StateDictReader r, int modelWidth, int heads, int feedForwardWidth, bool normFirst = false) =>
        new(MultiHeadAttention.Load(r.Child("self_attn"), modelWidth, heads),
            FeedForward.Load(r, modelWidth, feedForwardWidth),
            LayerNorm.Load(r.Child("norm1"), modelWidth),
            LayerNorm.Load(r.Child("norm2"), modelWidth),
            normFirst);

    internal void Save(IDictionary<string, StateTensor> into, string prefix)
    {
        SelfAttention.Save(into, prefix + "self_attn.");
        FeedForward.Save(into, prefix);
        Norm1.Save(into, prefix + "norm1.");
        Norm2.Save(into, prefix + "norm2.");
    }
}

/// <summary>Checks shared by the layers that assemble parts.</summary>
internal static class LayerParts
{
    public static void SameWidth(int actual, int expected, string name)
    {
        if (actual != expected)
            throw new ArgumentException($"{name} must work on the model width: expected {expected}, actual {actual}.", name);
    }
}
