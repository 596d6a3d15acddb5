namespace AttentionLab.Tests;

/// <summary>
/// Compares an analytic gradient with central finite differences, (f(θ + h) − f(θ − h)) / 2h, one
/// number at a time. In float64 with h = 1e-5 both the truncation error (~h²) and the rounding
/// error (~1e-16/h) are far below the tolerance, so a wrong formula cannot hide.
/// </summary>
internal static class GradientCheck
{
    public const double Step = 1e-5;

    public static void Matches(Func<double> loss, double[] values, double[] analytic, string what,
        double tolerance = 1e-7, int maxChecks = int.MaxValue)
    {
        Assert.Equal(values.Length, analytic.Length);
        int stride = Math.Max(1, values.Length / maxChecks);
        double worst = 0;
        for (int i = 0; i < values.Length; i += stride)
        {
            double saved = values[i];
            values[i] = saved + Step;
            double plus = loss();
            values[i] = saved - Step;
            double minus = loss();
            values[i] = saved;
            double numeric = (plus - minus) / (2 * Step);
            double error = Math.Abs(numeric - analytic[i]) / Math.Max(1, Math.Abs(numeric));
            worst = Math.Max(worst, error);
            Assert.True(error <= tolerance,
                $"{what}[{i}]: analytic {analytic[i]:G12}, finite difference {numeric:G12} (relative error {error:G3} > {tolerance:G3}).");
        }
        Assert.True(double.IsFinite(worst), $"{what}: a gradient is not finite.");
    }

    public static double[] Random(int count, Random rng, double scale = 1) =>
        Enumerable.Range(0, count).Select(_ => (2 * rng.NextDouble() - 1) * scale).ToArray();

    public static double Dot(double[] a, double[] b) => a.Zip(b, (x, y) => x * y).Sum();

    /// <summary>A random rows × columns matrix whose storage the checks can nudge in place.</summary>
    public static MathNet.Numerics.LinearAlgebra.Matrix<double> Matrix(int rows, int columns, Random rng, double scale = 1) =>
        MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(rows, columns, Random(rows * columns, rng, scale));

    /// <summary>Σ a ⊙ b over two matrices of one shape: a loss whose gradient with respect to a is b.</summary>
    public static double Dot(MathNet.Numerics.LinearAlgebra.Matrix<double> a, MathNet.Numerics.LinearAlgebra.Matrix<double> b) =>
        a.PointwiseMultiply(b).Enumerate().Sum();

    /// <summary>A matrix's own storage (column-major): nudging it nudges the matrix.</summary>
    public static double[] Values(MathNet.Numerics.LinearAlgebra.Matrix<double> m) => m.AsColumnMajorArray();
}
