using System.Runtime.CompilerServices;
using MathNet.Numerics.LinearAlgebra;
using AttentionLab.Kernels;

namespace AttentionLab;

/// <summary>A fully connected layer laid out like PyTorch's nn.Linear: weight is (out, in) and y = x Wᵀ + b (lesson 04).</summary>
public sealed partial class Linear
{
    /// <summary>The weight, out × in, as in nn.Linear.</summary>
    public Matrix<double> Weight { get; }

    /// <summary>The bias, one value per output feature.</summary>
    public Vector<double> Bias { get; }

    /// <summary>The width each input row must have.</summary>
    public int InFeatures => Weight.ColumnCount;

    /// <summary>The width of each output row.</summary>
    public int OutFeatures => Weight.RowCount;

    /// <summary>A layer from explicit weights (out × in) and bias (out).</summary>
    public Linear(Matrix<double> weight, Vector<double> bias)
    {
        Guard.NotNull(weight, nameof(weight));
        Guard.NotNull(bias, nameof(bias));
        if (weight.RowCount == 0 || weight.ColumnCount == 0)
            throw new ArgumentException($"weight must be out × in: expected both at least 1, actual {Guard.Of(weight)}.", nameof(weight));
        if (bias.Count != weight.RowCount)
            throw new ArgumentException(
                $"bias must have one value per output feature: expected {weight.RowCount}, actual {bias.Count}.", nameof(bias));
        Weight = weight;
        Bias = bias;
    }

    /// <summary>A layer with seeded random weights (Xavier-uniform weight, nn.Linear's uniform bias).</summary>
    public Linear(int inFeatures, int outFeatures, int seed) : this(inFeatures, outFeatures, new Random(seed)) { }

    internal Linear(int inFeatures, int outFeatures, Random rng)
        : this(CheckedXavier(outFeatures, inFeatures, rng),
               Initialisation.Uniform(outFeatures, 1 / Math.Sqrt(inFeatures), rng)) { }

    private static Matrix<double> CheckedXavier(int rows, int columns, Random rng)
    {
        Guard.Positive(columns, "inFeatures");
        Guard.Positive(rows, "outFeatures");
        return Initialisation.XavierUniform(rows, columns, rng);
    }

    /// <summary>Applies the layer to every row: (n × in) → (n × out).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Matrix<double> Forward(Matrix<double> x)
    {
        Guard.Columns(x, InFeatures, nameof(x), "the layer's input width");
        return MatrixKernels.MultiplyTransposed(x, Weight, Bias); // x Wᵀ + b, the bias added to every row
    }

    /// <summary>Builds the layer from the tensors <c>{prefix}weight</c> and <c>{prefix}bias</c> of a state_dict.</summary>
    public static Linear FromStateDict(StateDict stateDict, int inFeatures, int outFeatures, string prefix = "")
    {
        Guard.NotNull(stateDict, nameof(stateDict));
        var reader = new StateDictReader(stateDict, prefix);
        var layer = Load(reader, inFeatures, outFeatures);
        reader.RejectExtra();
        return layer;
    }

    internal static Linear Load(StateDictReader r, int inFeatures, int outFeatures) =>
        new(r.Matrix("weight", outFeatures, inFeatures), r.Vector("bias", outFeatures));

    internal void Save(IDictionary<string, StateTensor> into, string prefix)
    {
        into[prefix + "weight"] = StateTensor.From(Weight);
        into[prefix + "bias"] = StateTensor.From(Bias);
    }
}
