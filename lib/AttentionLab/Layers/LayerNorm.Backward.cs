using System.Runtime.CompilerServices;
using MathNet.Numerics.LinearAlgebra;

namespace AttentionLab;

public sealed partial class LayerNorm
{
    /// <summary>γ and β as trainable parameters, named <c>{prefix}weight</c> and <c>{prefix}bias</c> (lesson 08).</summary>
    public IEnumerable<Parameter> Parameters(string prefix = "") =>
        [new Parameter(prefix + "weight", Weight), new Parameter(prefix + "bias", Bias)];

    /// <summary>
    /// The backward pass of <see cref="Forward"/> (lesson 08), given its input x and ∂L/∂y. Per row:
    /// x̂ = (x − mean)·r with r = 1/√(var + ε), y = x̂·γ + β. Adds ∂L/∂γ = Σ ∂L/∂y·x̂ and ∂L/∂β = Σ ∂L/∂y into
    /// gradients and returns ∂L/∂x = r·(g − mean(g) − x̂·mean(g·x̂)) with g = ∂L/∂y·γ: the mean and the
    /// variance depend on every element of the row. The rows' statistics are computed again from x.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Matrix<double> Backward(Matrix<double> x, Matrix<double> dy, Gradients gradients)
    {
        Guard.Columns(x, Width, nameof(x), "the normalised width");
        Guard.Exactly(dy, x.RowCount, Width, nameof(dy));
        Guard.NotNull(gradients, nameof(gradients));
        int n = x.RowCount, d = Width;
        var input = x.AsColumnMajorArray() ?? x.ToColumnMajorArray(); // element (i, j) at j * n + i
        var up = dy.AsColumnMajorArray() ?? dy.ToColumnMajorArray();
        var gamma = Weight.AsArray() ?? Weight.ToArray();
        var dGamma = gradients.Storage(Weight);
        var dBeta = gradients.Storage(Bias);
        var dx = new double[n * d];
        var xhat = new double[d];
        var (means, inverses) = RowStatistics(input, n); // as the forward pass computed them
        for (int i = 0; i < n; i++)
        {
            double mean = means[i], r = inverses[i];
            double meanG = 0, meanGx = 0;
            for (int j = 0; j < d; j++)
            {
                double g = up[j * n + i];
                xhat[j] = (input[j * n + i] - mean) * r;
                dGamma[j] += g * xhat[j];
                dBeta[j] += g;
                meanG += g * gamma[j];
                meanGx += g * gamma[j] * xhat[j];
            }
            meanG /= d;
            meanGx /= d;
            for (int j = 0; j < d; j++)
                dx[j * n + i] = r * (up[j * n + i] * gamma[j] - meanG - xhat[j] * meanGx);
        }
        return Matrix<double>.Build.Dense(n, d, dx);
    }
}
