using MathNet.Numerics.LinearAlgebra;

namespace AttentionLab;

/// <summary>
/// The assertions the lessons use to turn a claim into a check: each throws a clear
/// <see cref="CheckFailedException"/> when the claim is false, so a notebook fails loudly.
/// </summary>
public static class Check
{
    /// <summary>
    /// The two matrices have one shape and agree cell by cell within <paramref name="tolerance"/>
    /// (absolute); −∞ matches only −∞ and NaN never matches. Returns a one-line confirmation.
    /// </summary>
    public static string Same(Matrix<double> expected, Matrix<double> actual, double tolerance = 1e-12, string what = "")
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        string label = what.Length > 0 ? what : "the matrices";
        if (expected.RowCount != actual.RowCount || expected.ColumnCount != actual.ColumnCount)
            throw new CheckFailedException($"{label}: expected shape {Masks.Shape(expected)}, got {Masks.Shape(actual)}.");

        double worst = 0;
        (int row, int col) where = (-1, -1);
        for (int i = 0; i < expected.RowCount; i++)
            for (int j = 0; j < expected.ColumnCount; j++)
            {
                double e = expected[i, j], a = actual[i, j];
                if (double.IsNaN(e) || double.IsNaN(a))
                    throw new CheckFailedException($"{label}: NaN at [{i}, {j}] (expected {e}, got {a}).");
                if (double.IsInfinity(e) || double.IsInfinity(a))
                {
                    if (e != a)
                        throw new CheckFailedException($"{label}: at [{i}, {j}] expected {Show(e)}, got {Show(a)}.");
                    continue;
                }
                double d = Math.Abs(e - a);
                if (d > worst) { worst = d; where = (i, j); }
            }
        if (worst > tolerance)
            throw new CheckFailedException(
                $"{label}: differ by {worst:G3} at [{where.row}, {where.col}] (expected {expected[where.row, where.col]:G17}, got {actual[where.row, where.col]:G17}); tolerance {tolerance:G3}.");
        return $"✓ {label}: same {Masks.Shape(expected)} matrix (largest difference {worst:G3} ≤ {tolerance:G3})";
    }

    /// <summary>The same for vectors.</summary>
    public static string Same(Vector<double> expected, Vector<double> actual, double tolerance = 1e-12, string what = "")
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        return Same(expected.ToRowMatrix(), actual.ToRowMatrix(), tolerance, what);
    }

    /// <summary>A claim that must hold; the message says what was claimed. Returns a one-line confirmation.</summary>
    public static string That(bool claim, string message)
    {
        if (!claim) throw new CheckFailedException(message);
        return $"✓ {message}";
    }

    private static string Show(double x) => double.IsNegativeInfinity(x) ? "−∞" : double.IsPositiveInfinity(x) ? "+∞" : x.ToString("G17");
}

/// <summary>Thrown by <see cref="Check"/> when a lesson's claim is false.</summary>
public sealed class CheckFailedException(string message) : Exception(message);
