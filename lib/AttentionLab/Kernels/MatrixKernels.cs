using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Simd = System.Numerics;
using MathNet.Numerics.LinearAlgebra;

namespace AttentionLab.Kernels;

/// <summary>
/// The product the layers and the attention heads do most, x · Wᵀ, on MathNet's column-major storage.
/// MathNet's managed provider is built for large matrices: on a layer's few rows it spends far more time
/// setting up than computing (tests/AttentionLab.Benchmarks, MatrixKernelBenchmarks, measures both).
/// </summary>
/// <remarks>
/// Eight rows at a time, the product is a register tile: eight rows × four outputs kept in eight
/// Vector256 accumulators while the shared width is walked once, so every number loaded from x or W is
/// used four or eight times. The rows left over (all of them in a cached decoding step's one-row
/// product) are done one by one as SIMD sums of W's columns.
/// </remarks>
internal static class MatrixKernels
{
    private const int TileRows = 8, TileColumns = 4;

    /// <summary>x (n × k) times Wᵀ (W is m × k): n × m.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Matrix<double> MultiplyTransposed(Matrix<double> x, Matrix<double> w)
    {
        int n = x.RowCount, m = w.RowCount, k = x.ColumnCount;
        var weight = w.AsColumnMajorArray() ?? w.ToColumnMajorArray();
        var input = x.AsColumnMajorArray() ?? x.ToColumnMajorArray();
        var result = new double[n * m]; // column-major, MathNet's dense layout
        int tiled = Vector256.IsHardwareAccelerated ? n / TileRows * TileRows : 0;
        if (tiled > 0) Tiles(input, weight, result, n, m, k, tiled);
        if (Vector256.IsHardwareAccelerated && n - tiled >= TileRows / 2) PaddedTile(input, weight, result, n, m, k, tiled);
        else RowByRow(input, weight, result, n, m, k, tiled);
        return Matrix<double>.Build.Dense(n, m, result);
    }

    /// <summary>
    /// The last 4 to 7 rows as one tile padded with zero rows (a training example's few rows, lesson 08):
    /// a register tile with rows to spare still beats them one by one.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PaddedTile(double[] x, double[] w, double[] y, int n, int m, int k, int from)
    {
        int rows = n - from;
        var padded = Scratch(ref _padded, TileRows * k);
        var tile = Scratch(ref _tile, TileRows * m);
        Array.Clear(padded, 0, TileRows * k);
        for (int c = 0; c < k; c++) Array.Copy(x, c * n + from, padded, c * TileRows, rows);
        Tiles(padded, w, tile, TileRows, m, k, TileRows);
        for (int j = 0; j < m; j++) Array.Copy(tile, j * TileRows, y, j * n + from, rows);
    }

    // Each thread's scratch for the padded tile, grown as needed, never shared between threads.
    [ThreadStatic] private static double[]? _padded, _tile;

    private static double[] Scratch(ref double[]? buffer, int length) =>
        buffer is { } b && b.Length >= length ? b : buffer = new double[Math.Max(length, 2 * (buffer?.Length ?? 0))];

    /// <summary>a (n × k) times b (k × m): n × m, as <see cref="MultiplyTransposed"/> with bᵀ.</summary>
    public static Matrix<double> Multiply(Matrix<double> a, Matrix<double> b) => MultiplyTransposed(a, b.Transpose());

    /// <summary>Rows 0 … rows − 1 (a multiple of 8) of y = x Wᵀ, in 8 × 4 register tiles.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tiles(double[] x, double[] w, double[] y, int n, int m, int k, int rows)
    {
        ref double X = ref MemoryMarshal.GetArrayDataReference(x);
        ref double W = ref MemoryMarshal.GetArrayDataReference(w);
        ref double Y = ref MemoryMarshal.GetArrayDataReference(y);
        for (int i = 0; i < rows; i += TileRows)
        {
            int j = 0;
            for (; j + TileColumns <= m; j += TileColumns)
            {
                Vector256<double> a0 = default, b0 = default, a1 = default, b1 = default,
                                  a2 = default, b2 = default, a3 = default, b3 = default;
                for (int c = 0; c < k; c++)
                {
                    int xo = c * n + i, wo = c * m + j;
                    var xa = Vector256.LoadUnsafe(ref X, (nuint)xo);
                    var xb = Vector256.LoadUnsafe(ref X, (nuint)(xo + 4));
                    var w0 = Vector256.Create(Unsafe.Add(ref W, wo));
                    var w1 = Vector256.Create(Unsafe.Add(ref W, wo + 1));
                    var w2 = Vector256.Create(Unsafe.Add(ref W, wo + 2));
                    var w3 = Vector256.Create(Unsafe.Add(ref W, wo + 3));
                    a0 = Vector256.FusedMultiplyAdd(xa, w0, a0); b0 = Vector256.FusedMultiplyAdd(xb, w0, b0);
                    a1 = Vector256.FusedMultiplyAdd(xa, w1, a1); b1 = Vector256.FusedMultiplyAdd(xb, w1, b1);
                    a2 = Vector256.FusedMultiplyAdd(xa, w2, a2); b2 = Vector256.FusedMultiplyAdd(xb, w2, b2);
                    a3 = Vector256.FusedMultiplyAdd(xa, w3, a3); b3 = Vector256.FusedMultiplyAdd(xb, w3, b3);
                }
                a0.StoreUnsafe(ref Y, (nuint)(j * n + i)); b0.StoreUnsafe(ref Y, (nuint)(j * n + i + 4));
                a1.StoreUnsafe(ref Y, (nuint)((j + 1) * n + i)); b1.StoreUnsafe(ref Y, (nuint)((j + 1) * n + i + 4));
                a2.StoreUnsafe(ref Y, (nuint)((j + 2) * n + i)); b2.StoreUnsafe(ref Y, (nuint)((j + 2) * n + i + 4));
                a3.StoreUnsafe(ref Y, (nuint)((j + 3) * n + i)); b3.StoreUnsafe(ref Y, (nuint)((j + 3) * n + i + 4));
            }
            for (; j < m; j++)
            {
                Vector256<double> a = default, b = default;
                for (int c = 0; c < k; c++)
                {
                    var wj = Vector256.Create(Unsafe.Add(ref W, c * m + j));
                    a = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref X, (nuint)(c * n + i)), wj, a);
                    b = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref X, (nuint)(c * n + i + 4)), wj, b);
                }
                a.StoreUnsafe(ref Y, (nuint)(j * n + i));
                b.StoreUnsafe(ref Y, (nuint)(j * n + i + 4));
            }
        }
    }

    /// <summary>Rows from … n − 1 of y = x Wᵀ, each as Σ_c x[i, c] · W[:, c] (W's columns are contiguous).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RowByRow(double[] input, double[] weight, double[] result, int n, int m, int k, int from)
    {
        var row = new double[m];
        int width = Simd.Vector<double>.Count;
        for (int i = from; i < n; i++)
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
    }
}
