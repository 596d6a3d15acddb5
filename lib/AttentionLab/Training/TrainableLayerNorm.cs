using System.Runtime.CompilerServices;

namespace AttentionLab;

/// <summary>
/// <see cref="LayerNorm"/> with a backward pass (lesson 08). Per row: x̂ = (x − mean)·r with
/// r = 1/√(var + ε), y = x̂·γ + β. Backward: ∂L/∂γ += ∂L/∂y·x̂, ∂L/∂β += ∂L/∂y, and with g = ∂L/∂y·γ,
/// ∂L/∂x = r·(g − mean(g) − x̂·mean(g·x̂)): the mean and the variance depend on every element of the row.
/// </summary>
public sealed class TrainableLayerNorm
{
    /// <summary>The per-feature scale γ.</summary>
    public Parameter Weight { get; }

    /// <summary>The per-feature shift β.</summary>
    public Parameter Bias { get; }

    /// <summary>The constant added to the variance.</summary>
    public double Epsilon { get; }

    /// <summary>The width of each row.</summary>
    public int Width { get; }

    /// <summary>A trainable copy of the library layer's weights, named <c>{name}.weight</c> and <c>{name}.bias</c>.</summary>
    public TrainableLayerNorm(LayerNorm layer, string name)
    {
        ArgumentNullException.ThrowIfNull(layer);
        Width = layer.Width;
        Epsilon = layer.Epsilon;
        Weight = new Parameter(name + ".weight", [Width], layer.Weight.ToArray());
        Bias = new Parameter(name + ".bias", [Width], layer.Bias.ToArray());
    }

    /// <summary>γ and β, in state_dict order.</summary>
    public IEnumerable<Parameter> Parameters => [Weight, Bias];

    /// <summary>What backward needs: each row's normalised values x̂ and 1/√(var + ε).</summary>
    public sealed record Cache(double[] Normalised, double[] InverseDeviation, int Rows);

    /// <summary>Normalises the n rows of x (n × width).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public (double[] Output, Cache Cache) Forward(double[] x, int n)
    {
        int d = Width;
        var y = new double[n * d];
        var xhat = new double[n * d];
        var r = new double[n];
        var gamma = Weight.Value;
        var beta = Bias.Value;
        for (int i = 0; i < n; i++)
        {
            int o = i * d;
            double mean = 0;
            for (int j = 0; j < d; j++) mean += x[o + j];
            mean /= d;
            double variance = 0;
            for (int j = 0; j < d; j++) variance += (x[o + j] - mean) * (x[o + j] - mean);
            variance /= d; // biased, as PyTorch
            r[i] = 1 / Math.Sqrt(variance + Epsilon);
            for (int j = 0; j < d; j++)
            {
                xhat[o + j] = (x[o + j] - mean) * r[i];
                y[o + j] = xhat[o + j] * gamma[j] + beta[j];
            }
        }
        return (y, new Cache(xhat, r, n));
    }

    /// <summary>Adds ∂L/∂γ and ∂L/∂β into gradients and returns ∂L/∂x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double[] Backward(Cache cache, double[] dy, Gradients gradients)
    {
        int n = cache.Rows, d = Width;
        var dGamma = gradients[Weight];
        var dBeta = gradients[Bias];
        var gamma = Weight.Value;
        var xhat = cache.Normalised;
        var dx = new double[n * d];
        for (int i = 0; i < n; i++)
        {
            int o = i * d;
            double meanG = 0, meanGx = 0;
            for (int j = 0; j < d; j++)
            {
                dGamma[j] += dy[o + j] * xhat[o + j];
                dBeta[j] += dy[o + j];
                double g = dy[o + j] * gamma[j];
                meanG += g;
                meanGx += g * xhat[o + j];
            }
            meanG /= d;
            meanGx /= d;
            double r = cache.InverseDeviation[i];
            for (int j = 0; j < d; j++)
                dx[o + j] = r * (dy[o + j] * gamma[j] - meanG - xhat[o + j] * meanGx);
        }
        return dx;
    }
}
