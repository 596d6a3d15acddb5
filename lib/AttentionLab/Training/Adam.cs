using System.Runtime.CompilerServices;

namespace AttentionLab;

/// <summary>
/// The Adam optimiser exactly as PyTorch's torch.optim.Adam (lesson 08), with its defaults: lr = 1e-3,
/// betas = (0.9, 0.999), eps = 1e-8, weight_decay = 0 (added to the gradient, L2 style, not AdamW).
/// For every number θ with gradient g, at step t = 1, 2, …:
/// m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²;
/// θ ← θ − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + eps).
/// Each number gets its own step size: large where its gradients have been small and steady.
/// </summary>
public sealed class Adam
{
    private readonly double[][] _m;
    private readonly double[][] _v;

    /// <summary>The parameters this optimiser updates, in place.</summary>
    public IReadOnlyList<Parameter> Parameters { get; }

    private double _learningRate;

    /// <summary>The learning rate (may be changed between steps, e.g. by a schedule): finite and ≥ 0.</summary>
    public double LearningRate
    {
        get => _learningRate;
        set
        {
            if (!(value >= 0 && double.IsFinite(value)))
                throw new ArgumentException($"learningRate must be finite and ≥ 0: expected a number in [0, ∞), actual {Guard.Word(value)}.", "learningRate");
            _learningRate = value;
        }
    }

    /// <summary>β₁, the decay of the running mean of gradients.</summary>
    public double Beta1 { get; }

    /// <summary>β₂, the decay of the running mean of squared gradients.</summary>
    public double Beta2 { get; }

    /// <summary>The constant added to the denominator.</summary>
    public double Epsilon { get; }

    /// <summary>The L2 penalty added to every gradient as weight_decay · θ.</summary>
    public double WeightDecay { get; }

    /// <summary>How many steps have been taken.</summary>
    public int Steps { get; private set; }

    /// <summary>An optimiser with PyTorch's defaults unless given otherwise.</summary>
    public Adam(IReadOnlyList<Parameter> parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
        double epsilon = 1e-8, double weightDecay = 0)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(beta1 >= 0 && beta1 < 1)) throw new ArgumentException($"beta1 must be in [0, 1): actual {beta1}.", nameof(beta1));
        if (!(beta2 >= 0 && beta2 < 1)) throw new ArgumentException($"beta2 must be in [0, 1): actual {beta2}.", nameof(beta2));
        if (!(epsilon >= 0 && double.IsFinite(epsilon))) throw new ArgumentException($"epsilon must be finite and ≥ 0: actual {Guard.Word(epsilon)}.", nameof(epsilon));
        if (!(weightDecay >= 0 && double.IsFinite(weightDecay))) throw new ArgumentException($"weightDecay must be finite and ≥ 0: actual {Guard.Word(weightDecay)}.", nameof(weightDecay));
        Parameters = parameters;
        LearningRate = learningRate;
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        WeightDecay = weightDecay;
        _m = parameters.Select(p => new double[p.Count]).ToArray();
        _v = parameters.Select(p => new double[p.Count]).ToArray();
    }

    /// <summary>One update of every parameter from its gradient (the gradients are read, not cleared).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Step(Gradients gradients)
    {
        ArgumentNullException.ThrowIfNull(gradients);
        // A NaN or infinite gradient would turn weights into NaN for good: refuse it before any weight moves.
        foreach (var p in Parameters)
        {
            var g = gradients[p];
            for (int i = 0; i < g.Length; i++)
                if (!double.IsFinite(g[i]))
                    throw new ArgumentException(
                        $"The gradient of {p.Name}[{i}] is {Guard.Word(g[i])}: expected finite gradients, actual {Guard.Word(g[i])}; no weight was changed.",
                        nameof(gradients));
        }
        Steps++;
        double biasCorrection1 = 1 - Math.Pow(Beta1, Steps);
        double biasCorrection2 = 1 - Math.Pow(Beta2, Steps);
        double stepSize = LearningRate / biasCorrection1;
        double biasCorrection2Sqrt = Math.Sqrt(biasCorrection2);
        for (int k = 0; k < Parameters.Count; k++)
        {
            var theta = Parameters[k].Value;
            var g = gradients[Parameters[k]];
            var m = _m[k];
            var v = _v[k];
            for (int i = 0; i < theta.Length; i++)
            {
                double grad = WeightDecay != 0 ? g[i] + WeightDecay * theta[i] : g[i];
                m[i] = m[i] * Beta1 + (1 - Beta1) * grad;
                v[i] = v[i] * Beta2 + (1 - Beta2) * grad * grad;
                double denominator = Math.Sqrt(v[i]) / biasCorrection2Sqrt + Epsilon;
                theta[i] -= stepSize * (m[i] / denominator);
            }
        }
    }
}
