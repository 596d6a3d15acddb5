using MathNet.Numerics.LinearAlgebra;

namespace AttentionLab;

/// <summary>
/// Cross-entropy of next-token logits against target ids with PAD targets ignored, like PyTorch's
/// F.cross_entropy(logits, targets, ignore_index=0): the mean runs over non-PAD targets only (notebooks 05 and 08).
/// </summary>
public static class CrossEntropy
{
    /// <summary>The loss at every position, −log softmax(logits)[target]; 0 where the target is ignored (PyTorch's reduction='none').</summary>
    public static double[] PerPosition(Matrix<double> logits, IReadOnlyList<int> targets, int ignoreIndex = Vocabulary.Pad)
    {
        Guard.NotNull(logits, nameof(logits));
        Guard.NonEmpty(logits, nameof(logits));
        Guard.Length(targets, logits.RowCount, nameof(targets), "one target per row of logits");
        int v = logits.ColumnCount;
        var losses = new double[targets.Count];
        for (int i = 0; i < targets.Count; i++)
        {
            int target = targets[i];
            if (target == ignoreIndex) continue;
            if (target < 0 || target >= v)
                throw new ArgumentException($"targets[{i}] is not a class: expected an id in [0, {v}) or {ignoreIndex} (ignored), actual {target}.", nameof(targets));
            double max = double.NegativeInfinity;
            for (int j = 0; j < v; j++) max = Math.Max(max, logits[i, j]);
            double sum = 0;
            for (int j = 0; j < v; j++) sum += Math.Exp(logits[i, j] - max);
            losses[i] = -(logits[i, target] - max - Math.Log(sum));
        }
        return losses;
    }

    /// <summary>The mean loss over the targets that are not ignored.</summary>
    public static double Loss(Matrix<double> logits, IReadOnlyList<int> targets, int ignoreIndex = Vocabulary.Pad)
    {
        var losses = PerPosition(logits, targets, ignoreIndex);
        int counted = targets.Count(t => t != ignoreIndex);
        if (counted == 0)
            throw new ArgumentException(
                $"targets are all {ignoreIndex} (ignored): expected at least one target to average over, actual 0 of {targets.Count}.", nameof(targets));
        return losses.Sum() / counted;
    }
}
