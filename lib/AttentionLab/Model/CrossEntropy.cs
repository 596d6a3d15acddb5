using MathNet.Numerics.LinearAlgebra;

namespace AttentionLab;

/// <summary>What <see cref="CrossEntropy.Loss"/> does when every target is ignored: the mean of nothing is 0/0.</summary>
public enum AllIgnoredPolicy
{
    /// <summary>Throw an error naming the targets (the course's default).</summary>
    Throw,

    /// <summary>Return NaN, as PyTorch's <c>F.cross_entropy(…, ignore_index=…)</c> does with reduction='mean'.</summary>
    NaN,
}

/// <summary>
/// Cross-entropy of next-token logits against target ids with PAD targets ignored, like PyTorch's
/// F.cross_entropy(logits, targets, ignore_index=0): the mean runs over non-PAD targets only (lessons 05 and 08).
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
            for (int j = 0; j < v; j++)
                if (double.IsNaN(logits[i, j]) || double.IsPositiveInfinity(logits[i, j]))
                    throw new ArgumentException(
                        $"logits[{i}, {j}] is {logits[i, j]}: expected a finite number or −∞, actual {logits[i, j]} (the loss would be NaN).", nameof(logits));
            double max = double.NegativeInfinity;
            for (int j = 0; j < v; j++) max = Math.Max(max, logits[i, j]);
            double sum = 0;
            for (int j = 0; j < v; j++) sum += Math.Exp(logits[i, j] - max);
            losses[i] = -(logits[i, target] - max - Math.Log(sum));
        }
        return losses;
    }

    /// <summary>
    /// The mean loss over the targets that are not ignored. When every target is ignored the mean is 0/0:
    /// an error by default, NaN with <see cref="AllIgnoredPolicy.NaN"/> (PyTorch's answer).
    /// </summary>
    public static double Loss(
        Matrix<double> logits, IReadOnlyList<int> targets, int ignoreIndex = Vocabulary.Pad,
        AllIgnoredPolicy whenAllIgnored = AllIgnoredPolicy.Throw)
    {
        Guard.Defined(whenAllIgnored, nameof(whenAllIgnored));
        var losses = PerPosition(logits, targets, ignoreIndex);
        int counted = targets.Count(t => t != ignoreIndex);
        if (counted == 0 && whenAllIgnored == AllIgnoredPolicy.NaN)
            return double.NaN;
        if (counted == 0)
            throw new ArgumentException(
                $"targets are all {ignoreIndex} (ignored): expected at least one target to average over, actual 0 of {targets.Count}.", nameof(targets));
        return losses.Sum() / counted;
    }
}
