using AttentionLab.Kernels;
using MathNet.Numerics.LinearAlgebra;

namespace AttentionLab;

/// <summary>The position-wise feed-forward block: linear1 → ReLU → linear2, applied to every row alone (lesson 04).</summary>
public sealed partial class FeedForward
{
    /// <summary>The widening layer, model width → hidden width.</summary>
    public Linear Linear1 { get; }

    /// <summary>The narrowing layer, hidden width → model width.</summary>
    public Linear Linear2 { get; }

    /// <summary>The model width (input and output).</summary>
    public int ModelWidth => Linear1.InFeatures;

    /// <summary>The hidden width (PyTorch's dim_feedforward).</summary>
    public int HiddenWidth => Linear1.OutFeatures;

    /// <summary>A block from two explicit layers whose widths chain: d → hidden → d.</summary>
    public FeedForward(Linear linear1, Linear linear2)
    {
        Guard.NotNull(linear1, nameof(linear1));
        Guard.NotNull(linear2, nameof(linear2));
        if (linear2.InFeatures != linear1.OutFeatures || linear2.OutFeatures != linear1.InFeatures)
            throw new ArgumentException(
                $"linear2 must map {linear1.OutFeatures} → {linear1.InFeatures} to undo linear1's widths: expected weight {linear1.InFeatures} × {linear1.OutFeatures}, actual {Guard.Of(linear2.Weight)}.",
                nameof(linear2));
        Linear1 = linear1;
        Linear2 = linear2;
    }

    /// <summary>A block with seeded random weights.</summary>
    public FeedForward(int modelWidth, int hiddenWidth, int seed) : this(modelWidth, hiddenWidth, new Random(seed)) { }

    internal FeedForward(int modelWidth, int hiddenWidth, Random rng)
        : this(new Linear(modelWidth, hiddenWidth, rng), new Linear(hiddenWidth, modelWidth, rng)) { }

    /// <summary>Applies the block to every row of x (n × model width).</summary>
    public Matrix<double> Forward(Matrix<double> x)
    {
        Guard.Columns(x, ModelWidth, nameof(x), "the model width");
        if (FastPath.Enabled) // the same three steps without a new n × hidden matrix (tests check it equal)
            return MatrixKernels.FeedForward(x, Linear1, Linear2);
        var hidden = Linear1.Forward(x);
        hidden.MapInplace(h => h > 0 ? h : 0);
        return Linear2.Forward(hidden);
    }

    /// <summary>Builds the block from <c>{prefix}linear1.*</c> and <c>{prefix}linear2.*</c>, PyTorch's names inside an encoder or decoder layer.</summary>
    public static FeedForward FromStateDict(StateDict stateDict, int modelWidth, int hiddenWidth, string prefix = "")
    {
        Guard.NotNull(stateDict, nameof(stateDict));
        var reader = new StateDictReader(stateDict, prefix);
        var block = Load(reader, modelWidth, hiddenWidth);
        reader.RejectExtra();
        return block;
    }

    internal static FeedForward Load(StateDictReader r, int modelWidth, int hiddenWidth) =>
        new(Linear.Load(r.Child("linear1"), modelWidth, hiddenWidth), Linear.Load(r.Child("linear2"), hiddenWidth, modelWidth));

    internal void Save(IDictionary<string, StateTensor> into, string prefix)
    {
        Linear1.Save(into, prefix + "linear1.");
        Linear2.Save(into, prefix + "linear2.");
    }
}
