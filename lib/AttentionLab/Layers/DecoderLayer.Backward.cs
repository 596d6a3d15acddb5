using System.Runtime.CompilerServices;
using MathNet.Numerics.LinearAlgebra;

namespace AttentionLab;

/// <summary>What a decoder layer computed, kept for its backward pass (lesson 08).</summary>
/// <param name="Input">The layer's input x (target length × d).</param>
/// <param name="SelfAttention">The masked self-attention's tape.</param>
/// <param name="Norm1Input">What norm1 normalised.</param>
/// <param name="CrossAttention">The cross-attention's tape (queries from the target, keys and values from the memory).</param>
/// <param name="Norm2Input">What norm2 normalised.</param>
/// <param name="FeedForward">The feed-forward block's tape.</param>
/// <param name="Norm3Input">What norm3 normalised.</param>
/// <param name="Output">The layer's output.</param>
public sealed record DecoderLayerTape(
    Matrix<double> Input, MultiHeadAttentionTape SelfAttention, Matrix<double> Norm1Input,
    MultiHeadAttentionTape CrossAttention, Matrix<double> Norm2Input,
    FeedForwardTape FeedForward, Matrix<double> Norm3Input, Matrix<double> Output);

public sealed partial class DecoderLayer
{
    /// <summary>Every weight, with nn.TransformerDecoderLayer's names under prefix (e.g. <c>decoder.layers.0.</c>).</summary>
    public IEnumerable<Parameter> Parameters(string prefix = "") =>
        [.. SelfAttention.Parameters(prefix + "self_attn."), .. CrossAttention.Parameters(prefix + "multihead_attn."),
         .. FeedForward.Parameters(prefix), .. Norm1.Parameters(prefix + "norm1."),
         .. Norm2.Parameters(prefix + "norm2."), .. Norm3.Parameters(prefix + "norm3.")];

    /// <summary>
    /// <see cref="Forward(Matrix{double}, Matrix{double}, Mask, Mask)"/> for training (lesson 08): the same three
    /// sublayers, keeping what the backward pass needs. selfMask is T × T (causal and/or the target's key
    /// padding), crossMask T × S (the source's key padding); either may be null when it hides nothing.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public DecoderLayerTape ForwardForTraining(Matrix<double> x, Matrix<double> memory, Mask? selfMask, Mask? crossMask)
    {
        CheckInputs(x, memory);
        var (h1, norm1Input, self) = Sublayer.Forward(x, Norm1, NormFirst,
            input => SelfAttention.ForwardForTraining(input, input, input, selfMask), a => a.Output);
        var (h2, norm2Input, cross) = Sublayer.Forward(h1, Norm2, NormFirst,
            input => CrossAttention.ForwardForTraining(input, memory, memory, crossMask), a => a.Output);
        var (output, norm3Input, ff) = Sublayer.Forward(h2, Norm3, NormFirst, FeedForward.ForwardForTraining, f => f.Output);
        return new DecoderLayerTape(x, self, norm1Input, cross, norm2Input, ff, norm3Input, output);
    }

    /// <summary>
    /// The backward pass (lesson 08): the forward steps in reverse, adding every weight's gradient into
    /// gradients. Returns ∂L/∂x and this layer's share of ∂L/∂memory, which flows back through the
    /// cross-attention's keys and values into the encoder.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public (Matrix<double> Input, Matrix<double> Memory) Backward(DecoderLayerTape tape, Matrix<double> dy, Gradients gradients)
    {
        Guard.NotNull(tape, nameof(tape));
        Matrix<double>? dMemory = null;
        var dh2 = Sublayer.Backward(dy, Norm3, NormFirst, tape.Norm3Input,
            d => FeedForward.Backward(tape.FeedForward, d, gradients), gradients);
        var dh1 = Sublayer.Backward(dh2, Norm2, NormFirst, tape.Norm2Input, d =>
        {
            var cross = CrossAttention.Backward(tape.CrossAttention, d, gradients);
            dMemory = cross.Key + cross.Value; // the memory gave the keys and the values
            return cross.Query;
        }, gradients);
        var dx = Sublayer.Backward(dh1, Norm1, NormFirst, tape.Norm1Input,
            d => EncoderLayer.Sum(SelfAttention.Backward(tape.SelfAttention, d, gradients)), gradients);
        return (dx, dMemory!);
    }
}
