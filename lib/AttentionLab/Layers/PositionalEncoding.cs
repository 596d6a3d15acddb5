using MathNet.Numerics.LinearAlgebra;

namespace AttentionLab;

/// <summary>Where a token is, added to its embedding so attention can tell positions apart (lesson 01).</summary>
public static class PositionalEncoding
{
    /// <summary>
    /// The sinusoidal encoding of "Attention Is All You Need": a length × modelWidth matrix with
    /// PE[p, 2i] = sin(p / 10000^(2i/modelWidth)) and PE[p, 2i+1] = cos(p / 10000^(2i/modelWidth)).
    /// </summary>
    public static Matrix<double> Sinusoidal(int length, int modelWidth)
    {
        if (length < 1)
            throw new ArgumentOutOfRangeException(nameof(length), length, "The sequence length must be at least 1.");
        if (modelWidth < 1)
            throw new ArgumentOutOfRangeException(nameof(modelWidth), modelWidth, $"modelWidth (the model width d_model) must be at least 1: expected 1 or more, actual {modelWidth}.");
        return Matrix<double>.Build.Dense(length, modelWidth, (p, c) =>
        {
            int pair = c / 2; // columns 2i and 2i+1 share one frequency
            double angle = p / Math.Pow(10000.0, 2.0 * pair / modelWidth);
            return c % 2 == 0 ? Math.Sin(angle) : Math.Cos(angle);
        });
    }
}
