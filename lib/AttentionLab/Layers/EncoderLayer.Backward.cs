using System.Runtime.CompilerServices;
using MathNet.Numerics.LinearAlgebra;

namespace AttentionLab;

/// <summary>What an encoder layer computed, kept for its backward pass (lesson 08).</summary>
/// <param name="Input">The layer's input x.</param>
/// <param name="SelfAttention">The self-attention's tape.</param>
/// <param name="Norm1Input">What norm1 normalised: x + attention (post-norm) or x (pre-norm).</param>
/// <param name="FeedForward">The feed-forward block's tape.</param>
/// <param name="Norm2Input">What norm2 normalised: h + feed-forward (post-norm) or x + attention (pre-norm).</param>
/// <param name="Output">The layer's output.</param>
public sealed record EncoderLayerTape(
    Matrix<double> Input, MultiHeadAttentionTape SelfAttention, Matrix<double> Norm1Input,
    FeedForwardTape FeedForward, Matrix<double> Norm2Input, Matrix<double> Output);

public sealed partial class EncoderLayer
{
    /// <summary>Every weight, with nn.TransformerEncoderLayer's names under prefix (e.g. <c>encoder.layers.0.</c>).</summary>
    public IEnumerable<Parameter> Parameters(string prefix = "") =>
        [.. SelfAttention.Parameters(prefix + "self_attn."), .. FeedForward.Parameters(prefix),
         .. Norm1.Parameters(prefix + "norm1."), .. Norm2.Parameters(prefix + "norm2.")];

    /// <summary>
    /// <see cref="Forward(Matrix{double}, Mask)"/> for training (lesson 08): the same two sublayers, keeping what
    /// the backward pass needs. mask is n × n (the source's key padding), or null when nothing is hidden.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public EncoderLayerTape ForwardForTraining(
        Matrix<double> x, Mask? mask, FullyMaskedRowPolicy policy = FullyMaskedRowPolicy.Throw)
    {
        Guard.Columns(x, ModelWidth, nameof(x), "the model width");
        Guard.NonEmpty(x, nameof(x));
        var (h, norm1Input, attention) = Sublayer.Forward(x, Norm1, NormFirst,
            input => SelfAttention.ForwardForTraining(input, input, input, mask, policy), a => a.Output);
        var (output, norm2Input, ff) = Sublayer.Forward(h, Norm2, NormFirst, FeedForward.ForwardForTraining, f => f.Output);
        return new EncoderLayerTape(x, attention, norm1Input, ff, norm2Input, output);
    }

    /// <summary>
    /// The backward pass (lesson 08): the forward steps in reverse. At each residual the gradient splits,
    /// goes through the branch and the two parts add up again; self-attention's query, key and value
    /// gradients all flow to x. Adds every weight's gradient into gradients and returns ∂L/∂x.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Matrix<double> Backward(EncoderLayerTape tape, Matrix<double> dy, Gradients gradients)
    {
        Guard.NotNull(tape, nameof(tape));
        var dh = Sublayer.Backward(dy, Norm2, NormFirst, tape.Norm2Input,
            d => FeedForward.Backward(tape.FeedForward, d, gradients), gradients);
        return Sublayer.Backward(dh, Norm1, NormFirst, tape.Norm1Input,
            d => Sum(SelfAttention.Backward(tape.SelfAttention, d, gradients)), gradients);
    }

    // Self-attention reads x three times, as query, key and value: its gradient is the sum of the three.
    internal static Matrix<double> Sum(MultiHeadAttentionGradients g)
    {
        var sum = g.Query.Clone();
        sum.Add(g.Key, sum);
        sum.Add(g.Value, sum);
        return sum;
    }
}
