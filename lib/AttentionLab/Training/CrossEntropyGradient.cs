using System.Runtime.CompilerServices;
using MathNet.Numerics.LinearAlgebra;

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
        return Accumulate(logits, targets, 1.0 / counted, ignoreIndex).Gradient;
    }

    /// <summary>
    /// The summed (not averaged) loss of the rows whose target is not ignored, and scale · (softmax − one-hot)
    /// for those rows (0 for the others).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static (double LossSum, Matrix<double> Gradient) Accumulate(
        Matrix<double> logits, IReadOnlyList<int> targets, double scale, int ignoreIndex = Vocabulary.Pad)
    {
        int rows = logits.RowCount, classes = logits.ColumnCount;
        Guard.Length(targets, rows, nameof(targets), "one target per row of logits");
        var z = logits.AsColumnMajorArray() ?? logits.ToColumnMajorArray(); // (i, j) at j * rows + i
        var gradient = new double[rows * classes];
        double total = 0;
        for (int i = 0; i < rows; i++)
        {
            int target = targets[i];
            if (target == ignoreIndex) continue; // an ignored row adds no loss and gets no gradient
            if (target < 0 || target >= classes)
                throw new ArgumentException($"targets[{i}] is not a class: expected an id in [0, {classes}) or {ignoreIndex} (ignored), actual {target}.", nameof(targets));
            double max = double.NegativeInfinity;
            for (int j = 0; j < classes; j++) max = Math.Max(max, z[j * rows + i]);
            double sum = 0;
            for (int j = 0; j < classes; j++) sum += Math.Exp(z[j * rows + i] - max);
            double logSum = Math.Log(sum);
            total -= z[target * rows + i] - max - logSum;
            for (int j = 0; j < classes; j++)
                gradient[j * rows + i] = scale * (Math.Exp(z[j * rows + i] - max - logSum) - (j == target ? 1 : 0));
        }
        return (total, Matrix<double>.Build.Dense(rows, classes, gradient));
    }
}
