using CsCheck;
using MathNet.Numerics.LinearAlgebra;

namespace AttentionLab.Tests;

/// <summary>Random inputs for the property tests.</summary>
internal static class Generators
{
    public static Gen<Matrix<double>> Matrix(int rows, int cols, double scale = 3) =>
        Gen.Double[-scale, scale].Array[rows * cols]
            .Select(data => Matrix<double>.Build.Dense(rows, cols, data));

    /// <summary>Q, K, V and a key-padding pattern that leaves at least one real key.</summary>
    public static Gen<(Matrix<double> Q, Matrix<double> K, Matrix<double> V, bool[] KeyIsPad)> Attention =>
        from nq in Gen.Int[1, 9]
        from nk in Gen.Int[1, 9]
        from dk in Gen.Int[1, 9]
        from dv in Gen.Int[1, 6]
        from q in Matrix(nq, dk)
        from k in Matrix(nk, dk)
        from v in Matrix(nk, dv)
        from pads in Gen.Bool.Array[nk]
        let keyIsPad = pads.All(p => p) ? pads.Select((p, i) => i != 0 && p).ToArray() : pads
        select (q, k, v, keyIsPad);
}
