using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using MathNet.Numerics.LinearAlgebra;

namespace AttentionLab;

/// <summary>Layer normalisation of each row, like nn.LayerNorm: (x − mean) / √(var + ε) · weight + bias, biased variance, ε = 1e-5 (lesson 04).</summary>
public sealed partial class LayerNorm
{
    /// <summary>PyTorch's default ε.</summary>
    public const double DefaultEpsilon = 1e-5;

    /// <summary>The per-feature scale (γ).</summary>
    public Vector<double> Weight { get; }

    /// <summary>The per-feature shift (β).</summary>
    public Vector<double> Bias { get; }

    /// <summary>The constant added to the variance so that a constant row does not divide by zero.</summary>
    public double Epsilon { get; }

    /// <summary>The width each row must have.</summary>
    public int Width => Weight.Count;

    /// <summary>A fresh layer norm: weight 1, bias 0, as PyTorch initialises it.</summary>
    public LayerNorm(int width)
        : this(Vector<double>.Build.Dense(CheckedWidth(width), 1.0), Vector<double>.Build.Dense(width)) { }

    /// <summary>A layer norm from explicit weight and bias.</summary>
    public LayerNorm(Vector<double> weight, Vector<double> bias, double epsilon = DefaultEpsilon)
    {
        Guard.NotNull(weight, nameof(weight));
        Guard.NotNull(bias, nameof(bias));
        if (weight.Count == 0)
            throw new ArgumentException("weight must have at least one feature: expected at least 1 value, actual 0.", nameof(weight));
        if (bias.Count != weight.Count)
            throw new ArgumentException($"bias must match weight: expected {weight.Count} values, actual {bias.Count}.", nameof(bias));
        if (!(epsilon > 0))
            throw new ArgumentException($"epsilon must be positive: expected > 0, actual {epsilon}.", nameof(epsilon));
        Weight = weight;
        Bias = bias;
        Epsilon = epsilon;
    }

    private static int CheckedWidth(int width)
    {
        Guard.Positive(width, nameof(width));
        return width;
    }

    /// <summary>Normalises every row of x (n × width).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Matrix<double> Forward(Matrix<double> x)
    {
        Guard.Columns(x, Width, nameof(x), "the normalised width");
        int n = x.RowCount, d = Width;
        // MathNet keeps a matrix column by column: column j (feature j of every row) is input[j * n .. j * n + n).
        // So each step below works on one feature of all n rows at once.
        var input = x.AsColumnMajorArray() ?? x.ToColumnMajorArray();
        var (mean, inverse) = RowStatistics(input, n);
        var output = new double[n * d];
        for (int j = 0; j < d; j++)
        {
            var y = output.AsSpan(j * n, n);
            TensorPrimitives.Subtract(input.AsSpan(j * n, n), mean, y);
            TensorPrimitives.Multiply(y, inverse, y);
            TensorPrimitives.Multiply(y, Weight[j], y); // · weight
            TensorPrimitives.Add(y, Bias[j], y);        // + bias
        }
        return Matrix<double>.Build.Dense(n, d, output);
    }

    /// <summary>
    /// Every row's mean and 1/√(var + ε), of an n-row matrix stored column-major (element (i, j) at j * n + i):
    /// one number per row, each step working on one feature of all n rows at once. The forward and the backward
    /// pass both use these.
    /// </summary>
    private (double[] Mean, double[] Inverse) RowStatistics(double[] input, int n)
    {
        int d = Width;
        Span<double> Column(int j) => input.AsSpan(j * n, n);
        var mean = new double[n];
        for (int j = 0; j < d; j++) TensorPrimitives.Add(mean, Column(j), mean);
        TensorPrimitives.Divide(mean, d, mean);
        var variance = new double[n];
        var centred = new double[n];
        for (int j = 0; j < d; j++)
        {
            TensorPrimitives.Subtract(Column(j), mean, centred);
            TensorPrimitives.MultiplyAdd(centred, centred, variance, variance);
        }
        TensorPrimitives.Divide(variance, d, variance); // biased, as PyTorch's layer_norm
        var inverse = variance;
        TensorPrimitives.Add(variance, Epsilon, inverse);
        TensorPrimitives.ReciprocalSqrt(inverse, inverse); // 1 / √(var + ε)
        return (mean, inverse);
    }

    /// <summary>Builds the layer from <c>{prefix}weight</c> and <c>{prefix}bias</c> of a state_dict.</summary>
    public static LayerNorm FromStateDict(StateDict stateDict, int width, string prefix = "")
    {
        Guard.NotNull(stateDict, nameof(stateDict));
        var reader = new StateDictReader(stateDict, prefix);
        var layer = Load(reader, width);
        reader.RejectExtra();
        return layer;
    }

    internal static LayerNorm Load(StateDictReader r, int width) => new(r.Vector("weight", width), r.Vector("bias", width));

    internal void Save(IDictionary<string, StateTensor> into, string prefix)
    {
        into[prefix + "weight"] = StateTensor.From(Weight);
        into[prefix + "bias"] = StateTensor.From(Bias);
    }
}
