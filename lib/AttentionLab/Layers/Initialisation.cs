using MathNet.Numerics.LinearAlgebra;

namespace AttentionLab;

/// <summary>
/// Seeded random weights, so that a notebook re-run draws the same model. The distributions are
/// PyTorch's: Xavier-uniform for weight matrices (what nn.Transformer applies to every one of them)
/// and nn.Linear's U(−1/√in, 1/√in) for its biases.
/// </summary>
internal static class Initialisation
{
    public static Matrix<double> XavierUniform(int rows, int columns, Random rng)
    {
        double a = Math.Sqrt(6.0 / (rows + columns));
        return Matrix<double>.Build.Dense(rows, columns, (_, _) => (2 * rng.NextDouble() - 1) * a);
    }

    public static Vector<double> Uniform(int length, double bound, Random rng) =>
        Vector<double>.Build.Dense(length, _ => (2 * rng.NextDouble() - 1) * bound);
}
