using System.Runtime.CompilerServices;
using AttentionLab.Kernels;

namespace AttentionLab;

/// <summary>
/// <see cref="EncoderLayer"/> with a backward pass (lesson 08): x = norm1(x + self_attn(x)); x = norm2(x + ff(x)).
/// Backward runs the same steps in reverse; at each residual the gradient splits, goes through the
/// branch, and the two parts add up again.
/// </summary>
public sealed class TrainableEncoderLayer
{
    /// <summary>Self-attention over the source (padding mask only).</summary>
    public TrainableAttention SelfAttention { get; }

    /// <summary>The feed-forward block.</summary>
    public TrainableFeedForward FeedForward { get; }

    /// <summary>The norm after the attention residual.</summary>
    public TrainableLayerNorm Norm1 { get; }

    /// <summary>The norm after the feed-forward residual.</summary>
    public TrainableLayerNorm Norm2 { get; }

    /// <summary>A trainable copy of the library layer, with PyTorch's names under prefix (e.g. <c>encoder.layers.0.</c>).</summary>
    public TrainableEncoderLayer(EncoderLayer layer, string prefix)
    {
        ArgumentNullException.ThrowIfNull(layer);
        SelfAttention = new TrainableAttention(layer.SelfAttention, prefix + "self_attn");
        FeedForward = new TrainableFeedForward(layer.FeedForward, prefix);
        Norm1 = new TrainableLayerNorm(layer.Norm1, prefix + "norm1");
        Norm2 = new TrainableLayerNorm(layer.Norm2, prefix + "norm2");
    }

    /// <summary>Every tensor, in state_dict order.</summary>
    public IEnumerable<Parameter> Parameters =>
        [.. SelfAttention.Parameters, .. FeedForward.Parameters, .. Norm1.Parameters, .. Norm2.Parameters];

    /// <summary>What backward needs.</summary>
    public sealed record Cache(
        TrainableAttention.Cache SelfAttention, TrainableLayerNorm.Cache Norm1, TrainableFeedForward.Cache FeedForward, TrainableLayerNorm.Cache Norm2);

    /// <summary>Runs the layer over the n rows of x; mask is additive n × n (the source padding mask) or null.</summary>
    public (double[] Output, Cache Cache) Forward(double[] x, int n, double[]? mask)
    {
        var (attention, a) = SelfAttention.Forward(x, n, x, n, mask);
        var (h, n1) = Norm1.Forward(FlatKernels.Sum(x, attention), n);
        var (f, ff) = FeedForward.Forward(h, n);
        var (output, n2) = Norm2.Forward(FlatKernels.Sum(h, f), n);
        return (output, new Cache(a, n1, ff, n2));
    }

    /// <summary>Adds every weight's gradient and returns ∂L/∂x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double[] Backward(Cache cache, double[] dy, Gradients gradients)
    {
        var dResidual2 = Norm2.Backward(cache.Norm2, dy, gradients);
        var dh = FlatKernels.Sum(dResidual2, FeedForward.Backward(cache.FeedForward, dResidual2, gradients));
        var dResidual1 = Norm1.Backward(cache.Norm1, dh, gradients);
        var (dQuery, dKeyValue) = SelfAttention.Backward(cache.SelfAttention, dResidual1, gradients);
        var dx = FlatKernels.Sum(dResidual1, dQuery);
        for (int i = 0; i < dx.Length; i++) dx[i] += dKeyValue[i];
        return dx;
    }
}
