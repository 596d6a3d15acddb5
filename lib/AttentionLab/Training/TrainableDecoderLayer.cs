using System.Runtime.CompilerServices;
using AttentionLab.Kernels;

namespace AttentionLab;

/// <summary>
/// <see cref="DecoderLayer"/> with a backward pass (lesson 08): x = norm1(x + self_attn(x));
/// x = norm2(x + multihead_attn(x, memory)); x = norm3(x + ff(x)). Backward also returns the gradient
/// that flows into the encoder's memory through the cross-attention's keys and values.
/// </summary>
public sealed class TrainableDecoderLayer
{
    /// <summary>Masked self-attention over the target.</summary>
    public TrainableAttention SelfAttention { get; }

    /// <summary>Cross-attention to the encoder's memory.</summary>
    public TrainableAttention CrossAttention { get; }

    /// <summary>The feed-forward block.</summary>
    public TrainableFeedForward FeedForward { get; }

    /// <summary>The norm after the self-attention residual.</summary>
    public TrainableLayerNorm Norm1 { get; }

    /// <summary>The norm after the cross-attention residual.</summary>
    public TrainableLayerNorm Norm2 { get; }

    /// <summary>The norm after the feed-forward residual.</summary>
    public TrainableLayerNorm Norm3 { get; }

    /// <summary>A trainable copy of the library layer, with PyTorch's names under prefix (e.g. <c>decoder.layers.0.</c>).</summary>
    public TrainableDecoderLayer(DecoderLayer layer, string prefix)
    {
        ArgumentNullException.ThrowIfNull(layer);
        SelfAttention = new TrainableAttention(layer.SelfAttention, prefix + "self_attn");
        CrossAttention = new TrainableAttention(layer.CrossAttention, prefix + "multihead_attn");
        FeedForward = new TrainableFeedForward(layer.FeedForward, prefix);
        Norm1 = new TrainableLayerNorm(layer.Norm1, prefix + "norm1");
        Norm2 = new TrainableLayerNorm(layer.Norm2, prefix + "norm2");
        Norm3 = new TrainableLayerNorm(layer.Norm3, prefix + "norm3");
    }

    /// <summary>Every tensor, in state_dict order.</summary>
    public IEnumerable<Parameter> Parameters =>
        [.. SelfAttention.Parameters, .. CrossAttention.Parameters, .. FeedForward.Parameters,
         .. Norm1.Parameters, .. Norm2.Parameters, .. Norm3.Parameters];

    /// <summary>What backward needs.</summary>
    public sealed record Cache(
        TrainableAttention.Cache SelfAttention, TrainableLayerNorm.Cache Norm1,
        TrainableAttention.Cache CrossAttention, TrainableLayerNorm.Cache Norm2,
        TrainableFeedForward.Cache FeedForward, TrainableLayerNorm.Cache Norm3);

    /// <summary>
    /// Runs the layer over the t target rows of x and the s rows of memory. selfMask is additive t × t
    /// (causal + target padding, or padding only), memoryMask t × s (the source padding), either may be null.
    /// </summary>
    public (double[] Output, Cache Cache) Forward(double[] x, int t, double[]? selfMask, double[] memory, int s, double[]? memoryMask)
    {
        var (self, a) = SelfAttention.Forward(x, t, x, t, selfMask);
        var (h1, n1) = Norm1.Forward(FlatKernels.Sum(x, self), t);
        var (cross, c) = CrossAttention.Forward(h1, t, memory, s, memoryMask);
        var (h2, n2) = Norm2.Forward(FlatKernels.Sum(h1, cross), t);
        var (f, ff) = FeedForward.Forward(h2, t);
        var (output, n3) = Norm3.Forward(FlatKernels.Sum(h2, f), t);
        return (output, new Cache(a, n1, c, n2, ff, n3));
    }

    /// <summary>Adds every weight's gradient; returns ∂L/∂x and this layer's share of ∂L/∂memory.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public (double[] Input, double[] Memory) Backward(Cache cache, double[] dy, Gradients gradients)
    {
        var dResidual3 = Norm3.Backward(cache.Norm3, dy, gradients);
        var dh2 = FlatKernels.Sum(dResidual3, FeedForward.Backward(cache.FeedForward, dResidual3, gradients));
        var dResidual2 = Norm2.Backward(cache.Norm2, dh2, gradients);
        var (dCrossQuery, dMemory) = CrossAttention.Backward(cache.CrossAttention, dResidual2, gradients);
        var dh1 = FlatKernels.Sum(dResidual2, dCrossQuery);
        var dResidual1 = Norm1.Backward(cache.Norm1, dh1, gradients);
        var (dQuery, dKeyValue) = SelfAttention.Backward(cache.SelfAttention, dResidual1, gradients);
        var dx = FlatKernels.Sum(dResidual1, dQuery);
        for (int i = 0; i < dx.Length; i++) dx[i] += dKeyValue[i];
        return (dx, dMemory);
    }
}
