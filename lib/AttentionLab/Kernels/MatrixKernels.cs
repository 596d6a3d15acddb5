using Simd = System.Numerics;
using MathNet.Numerics.LinearAlgebra;

namespace AttentionLab.Kernels;

/// <summary>
/// The product the layers do most, x · Wᵀ, written as SIMD sums of W's columns. MathNet's managed
/// provider is built for large matrices: on the one-row products of cached decoding it spends far
/// more time copying and setting up than computing.
/// </summary>
internal static class MatrixKernels
{
    /// <summary>x (n × k) times Wᵀ (W is m × k): n × m. Row i is Σ_c x[i, c] · W[:, c], and W's columns are contiguous.</summary>
    public static Matrix<double> MultiplyTransposed(Matrix<double> x, Matrix<double> w)
    {
        int n = x.RowCount, m = w.RowCount, k = x.ColumnCount;
        var weight = w.AsColumnMajorArray() ?? w.ToColumnMajorArray();
        var input = x.AsColumnMajorArray() ?? x.ToColumnMajorArray();
        var result = new double[n * m]; // column-major, MathNet's dense layout
        var row = new double[m];
        int width = Simd.Vector<double>.Count;
        for (int i = 0; i < n; i++)
        {
            Array.Clear(row);
            var y = row.AsSpan();
            for (int c = 0; c < k; c++)
            {
                double a = input[c * n + i];
                if (a == 0) continue;
                var column = new ReadOnlySpan<double>(weight, c * m, m);
                var scale = new Simd.Vector<double>(a);
                int j = 0;
                for (; j <= m - width; j += width)
                    (new Simd.Vector<double>(y.Slice(j, width)) + scale * new Simd.Vector<double>(column.Slice(j, width))).CopyTo(y.Slice(j, width));
                for (; j < m; j++) y[j] += a * column[j];
            }
            for (int j = 0; j < m; j++) result[j * n + i] = row[j];
        }
        return Matrix<double>.Build.Dense(n, m, result);
    }

    /// <summary>a (n × k) times b (k × m): n × m, as <see cref="MultiplyTransposed"/> with bᵀ.</summary>
    public static Matrix<double> Multiply(Matrix<double> a, Matrix<double> b) => MultiplyTransposed(a, b.Transpose());
}
