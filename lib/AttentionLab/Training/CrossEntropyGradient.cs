using System.Runtime.CompilerServices;
using MathNet.Numerics.LinearAlgebra;
using AttentionLab.Kernels;

namespace AttentionLab;

/// <summary>
/// The gradient of <see cref="CrossEntropy.Loss"/> with respect to the logits (lesson 08): for a counted
/// row, (softmax(logits) − one-hot(target)) / count; for a row whose target is PAD (ignored), exactly 0.
/// </summary>
public static class CrossEntropyGradient
{
    /// <summary>∂(mean loss over non-PAD targets)/∂logits, the same shape as logits.</summary>
    public static Matrix<double> Of(Matrix<double> logits, IReadOnlyList<int> targets, int ignoreIndex = Vocabulary.Pad)
    {
        Guard.NotNull(logits, nameof(logits));
        Guard.Length(targets, logits.RowCount, nameof(targets), "one target per row of logits");
        int counted = targets.Count(t => t != ignoreIndex);
        if (counted == 0)
            throw new ArgumentException(
                $"targets are all {ignoreIndex} (ignored): expected at least one target to average over, actual 0 of {targets.Count}.", nameof(targets));
        var flat = FlatKernels.FromMatrix(logits);
        var gradient = new double[flat.Length];
        Accumulate(flat, logits.RowCount, logits.ColumnCount, [.. targets], 1.0 / counted, gradient, ignoreIndex);
        return FlatKernels.ToMatrix(gradient, logits.RowCount, logits.ColumnCount);
    }

    /// <summary>
    /// For flat logits (rows × classes): writes scale · (softmax − one-hot) into gradient for every row whose
    /// target is not ignored and returns the summed (not averaged) loss of those rows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double Accumulate(double[] logits, int rows, int classes, int[] targets, double scale, double[] gradient, int ignoreIndex = Vocabulary.Pad)
    {
        double total = 0;
        for (int i = 0; i < rows; i++)
        {
            int target = targets[i];
            if (target == ignoreIndex) continue; // an ignored row adds no loss and gets no gradient
            if (target < 0 || target >= classes)
                throw new ArgumentException($"targets[{i}] is not a class: expected an id in [0, {classes}) or {ignoreIndex} (ignored), actual {target}.", nameof(targets));
            int o = i * classes;
            double max = double.NegativeInfinity;
            for (int j = 0; j < classes; j++) max = Math.Max(max, logits[o + j]);
            double sum = 0;
            for (int j = 0; j < classes; j++) sum += Math.Exp(logits[o + j] - max);
            double logSum = Math.Log(sum);
            total -= logits[o + target] - max - logSum;
            for (int j = 0; j < classes; j++)
                gradient[o + j] = scale * (Math.Exp(logits[o + j] - max - logSum) - (j == target ? 1 : 0));
        }
        return total;
    }
}
