using System.Runtime.CompilerServices;
using MathNet.Numerics.LinearAlgebra;
using AttentionLab.Kernels;

namespace AttentionLab;

public sealed partial class Linear
{
    /// <summary>The weight and the bias as trainable parameters, named <c>{prefix}weight</c> and <c>{prefix}bias</c> (lesson 08).</summary>
    public IEnumerable<Parameter> Parameters(string prefix = "") =>
        [new Parameter(prefix + "weight", Weight), new Parameter(prefix + "bias", Bias)];

    /// <summary>
    /// The backward pass of y = x Wᵀ + b (lesson 08). Given x, the input <see cref="Forward"/> was given, and
    /// ∂L/∂y (n × out): adds ∂L/∂W = (∂L/∂y)ᵀ x and ∂L/∂b = the column sums of ∂L/∂y into gradients, and
    /// returns ∂L/∂x = ∂L/∂y · W (n × in).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Matrix<double> Backward(Matrix<double> x, Matrix<double> dy, Gradients gradients)
    {
        Guard.Columns(x, InFeatures, nameof(x), "the layer's input width");
        Guard.Exactly(dy, x.RowCount, OutFeatures, nameof(dy));
        Guard.NotNull(gradients, nameof(gradients));
        var rowsOfDy = BackwardKernels.RowMajor(dy);
        BackwardKernels.AddTransposeThisAndMultiply(rowsOfDy, dy.RowCount, OutFeatures, x, gradients.Storage(Weight));
        BackwardKernels.AddColumnSums(rowsOfDy, dy.RowCount, gradients.Storage(Bias));
        return BackwardKernels.Multiply(rowsOfDy, dy.RowCount, OutFeatures, Weight);
    }
}
