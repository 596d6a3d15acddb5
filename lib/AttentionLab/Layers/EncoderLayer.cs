using MathNet.Numerics.LinearAlgebra;

namespace AttentionLab;

/// <summary>What one encoder layer computed: its output and its self-attention, for plotting.</summary>
/// <param name="Output">The layer's output, n × d.</param>
/// <param name="SelfAttention">The self-attention inside the layer, per head.</param>
public sealed record EncoderLayerResult(Matrix<double> Output, MultiHeadAttentionResult SelfAttention);

/// <summary>
/// One encoder layer, exactly nn.TransformerEncoderLayer with norm_first=False, ReLU and no dropout:
/// x = norm1(x + self_attn(x)); x = norm2(x + feed_forward(x)). Only the padding mask applies (notebook 04).
/// </summary>
public sealed class EncoderLayer
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

    /// <summary>A layer from explicit parts, whose widths must agree.</summary>
    public EncoderLayer(MultiHeadAttention selfAttention, FeedForward feedForward, LayerNorm norm1, LayerNorm norm2)
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
    }

    /// <summary>A layer with seeded random weights.</summary>
    public EncoderLayer(int modelWidth, int heads, int feedForwardWidth, int seed)
        : this(modelWidth, heads, feedForwardWidth, new Random(seed)) { }

    internal EncoderLayer(int modelWidth, int heads, int feedForwardWidth, Random rng)
        : this(new MultiHeadAttention(modelWidth, heads, rng), new FeedForward(modelWidth, feedForwardWidth, rng),
               new LayerNorm(modelWidth), new LayerNorm(modelWidth)) { }

    /// <summary>
    /// Runs the layer over x (n × d). mask is additive (n × n) or null; keyIsPad marks PAD positions
    /// (PyTorch's src_key_padding_mask). PAD rows still compute; later stages ignore them.
    /// </summary>
    public EncoderLayerResult Forward(Matrix<double> x, Matrix<double>? mask = null, IReadOnlyList<bool>? keyIsPad = null)
    {
        Guard.Columns(x, ModelWidth, nameof(x), "the model width");
        Guard.NonEmpty(x, nameof(x));
        var attention = SelfAttention.Forward(x, x, x, mask, keyIsPad);
        var h = Norm1.Forward(x + attention.Output);
        var output = Norm2.Forward(h + FeedForward.Forward(h));
        return new EncoderLayerResult(output, attention);
    }

    /// <summary>Builds the layer from a state_dict with nn.TransformerEncoderLayer's names under prefix (e.g. <c>encoder.layers.0.</c>).</summary>
    public static EncoderLayer FromStateDict(StateDict stateDict, int modelWidth, int heads, int feedForwardWidth, string prefix = "")
    {
        Guard.NotNull(stateDict, nameof(stateDict));
        var reader = new StateDictReader(stateDict, prefix);
        var layer = Load(reader, modelWidth, heads, feedForwardWidth);
        reader.RejectExtra();
        return layer;
    }

    internal static EncoderLayer Load(StateDictReader r, int modelWidth, int heads, int feedForwardWidth) =>
        new(MultiHeadAttention.Load(r.Child("self_attn"), modelWidth, heads),
            FeedForward.Load(r, modelWidth, feedForwardWidth),
            LayerNorm.Load(r.Child("norm1"), modelWidth),
            LayerNorm.Load(r.Child("norm2"), modelWidth));

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
