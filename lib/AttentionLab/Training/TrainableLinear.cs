using System.Runtime.CompilerServices;
using AttentionLab.Kernels;

namespace AttentionLab;

/// <summary>
/// <see cref="Linear"/> with a backward pass (lesson 08): y = x Wᵀ + b on flat row-major arrays.
/// Backward, given ∂L/∂y (n × out): ∂L/∂x = ∂L/∂y · W, ∂L/∂W += (∂L/∂y)ᵀ · x, ∂L/∂b += the column sums of ∂L/∂y.
/// </summary>
public sealed class TrainableLinear
{
    /// <summary>The weight, out × in, as nn.Linear.</summary>
    public Parameter Weight { get; }

    /// <summary>The bias, one value per output feature.</summary>
    public Parameter Bias { get; }

    /// <summary>The width of each input row.</summary>
    public int InFeatures { get; }

    /// <summary>The width of each output row.</summary>
    public int OutFeatures { get; }

    /// <summary>A trainable copy of the library layer's weights, named <c>{name}.weight</c> and <c>{name}.bias</c>.</summary>
    public TrainableLinear(Linear layer, string name)
    {
        ArgumentNullException.ThrowIfNull(layer);
        InFeatures = layer.InFeatures;
        OutFeatures = layer.OutFeatures;
        Weight = new Parameter(name + ".weight", [OutFeatures, InFeatures], FlatKernels.FromMatrix(layer.Weight));
        Bias = new Parameter(name + ".bias", [OutFeatures], layer.Bias.ToArray());
    }

    /// <summary>The weight and bias, in state_dict order.</summary>
    public IEnumerable<Parameter> Parameters => [Weight, Bias];

    /// <summary>y = x Wᵀ + b for the n rows of x (n × in): n × out.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double[] Forward(double[] x, int n)
    {
        var y = FlatKernels.MultiplyTransposed(x, Weight.Value, n, InFeatures, OutFeatures);
        var b = Bias.Value;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < OutFeatures; j++) y[i * OutFeatures + j] += b[j];
        return y;
    }

    /// <summary>Adds ∂L/∂W and ∂L/∂b into gradients and returns ∂L/∂x; x is the input Forward was given.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double[] Backward(double[] x, double[] dy, int n, Gradients gradients)
    {
        FlatKernels.AddTransposedMultiply(dy, x, n, OutFeatures, InFeatures, gradients[Weight]);
        var db = gradients[Bias];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < OutFeatures; j++) db[j] += dy[i * OutFeatures + j];
        return FlatKernels.Multiply(dy, Weight.Value, n, OutFeatures, InFeatures);
    }
}
