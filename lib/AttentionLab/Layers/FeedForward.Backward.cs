using System.Runtime.CompilerServices;
using MathNet.Numerics.LinearAlgebra;

namespace AttentionLab;

/// <summary>What a feed-forward block computed, kept for its backward pass (lesson 08).</summary>
/// <param name="Input">The block's input x, n × model width.</param>
/// <param name="Hidden">ReLU(linear1(x)), n × hidden width.</param>
/// <param name="Output">linear2 of the hidden rows, n × model width.</param>
public sealed record FeedForwardTape(Matrix<double> Input, Matrix<double> Hidden, Matrix<double> Output);

public sealed partial class FeedForward
{
    /// <summary>linear1's and linear2's weights and biases, with PyTorch's names under prefix (<c>{prefix}linear1.weight</c>, …).</summary>
    public IEnumerable<Parameter> Parameters(string prefix = "") =>
        [.. Linear1.Parameters(prefix + "linear1."), .. Linear2.Parameters(prefix + "linear2.")];

    /// <summary><see cref="Forward"/>, keeping the hidden activations its backward pass needs (lesson 08).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public FeedForwardTape ForwardForTraining(Matrix<double> x)
    {
        Guard.Columns(x, ModelWidth, nameof(x), "the model width");
        var hidden = Linear1.Forward(x);
        hidden.MapInplace(h => h > 0 ? h : 0);
        return new FeedForwardTape(x, hidden, Linear2.Forward(hidden));
    }

    /// <summary>
    /// Adds the four gradients into gradients and returns ∂L/∂x. ReLU passes the gradient where its input
    /// was positive and blocks it elsewhere.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Matrix<double> Backward(FeedForwardTape tape, Matrix<double> dy, Gradients gradients)
    {
        Guard.NotNull(tape, nameof(tape));
        var dHidden = Linear2.Backward(tape.Hidden, dy, gradients);
        var hidden = tape.Hidden.AsColumnMajorArray() ?? tape.Hidden.ToColumnMajorArray();
        var dh = dHidden.AsColumnMajorArray();
        for (int i = 0; i < dh.Length; i++)
            if (hidden[i] <= 0) dh[i] = 0; // ReLU: no gradient where it cut
        return Linear1.Backward(tape.Input, dHidden, gradients);
    }
}
