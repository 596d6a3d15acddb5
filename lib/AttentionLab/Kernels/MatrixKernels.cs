using System.Buffers;
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

    /// <summary>x (n × k) times Wᵀ (W is m × k), plus the bias b (m values) on every row when given: n × m.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Matrix<double> MultiplyTransposed(Matrix<double> x, Matrix<double> w, Vector<double>? bias = null)
    {
        int n = x.RowCount, m = w.RowCount, k = x.ColumnCount;
        var result = new double[n * m]; // column-major, MathNet's dense layout
        MultiplyTransposed(ColumnMajor(x), 0, ColumnMajor(w), 0, bias is null ? null : bias.AsArray() ?? bias.ToArray(),
            result, 0, n, m, k, relu: false);
        return Matrix<double>.Build.Dense(n, m, result);
    }

    /// <summary>a (n × k) times b (k × m): n × m, as <see cref="MultiplyTransposed(Matrix{double}, Matrix{double}, Vector{double}?)"/> with bᵀ.</summary>
    public static Matrix<double> Multiply(Matrix<double> a, Matrix<double> b) => MultiplyTransposed(a, b.Transpose());

    /// <summary>
    /// The feed-forward block's arithmetic, ReLU(x W₁ᵀ + b₁) W₂ᵀ + b₂, with the n × hidden matrix in a pooled
    /// buffer: at n = 64 and hidden 256 a new one would be 128 KiB, on the large-object heap, which only a
    /// full collection frees.
    /// </summary>
    public static Matrix<double> FeedForward(Matrix<double> x, Linear linear1, Linear linear2)
    {
        int n = x.RowCount, d = linear1.InFeatures, hidden = linear1.OutFeatures;
        var h = ArrayPool<double>.Shared.Rent(n * hidden);
        var result = new double[n * d];
        MultiplyTransposed(ColumnMajor(x), 0, ColumnMajor(linear1.Weight), 0, Array(linear1.Bias), h, 0, n, hidden, d, relu: true);
        MultiplyTransposed(h, 0, ColumnMajor(linear2.Weight), 0, Array(linear2.Bias), result, 0, n, d, hidden, relu: false);
        ArrayPool<double>.Shared.Return(h);
        return Matrix<double>.Build.Dense(n, d, result);
    }

    /// <summary>MathNet's own column-major array of a dense matrix (no copy), or a copy of any other.</summary>
    internal static double[] ColumnMajor(Matrix<double> m) => m.AsColumnMajorArray() ?? m.ToColumnMajorArray();

    private static double[] Array(Vector<double> v) => v.AsArray() ?? v.ToArray();

    /// <summary>
    /// y = x Wᵀ (+ bias, then ReLU when asked) on column-major arrays that may hold more than these matrices:
    /// x (n × k) starts at xOffset, W (m × k) at wOffset and y (n × m) at yOffset, so one head's columns of a
    /// wider matrix are used in place. The tiles read without bounds checks: the matrices must lie inside the arrays.
    /// </summary>
    internal static void MultiplyTransposed(
        double[] x, int xOffset, double[] w, int wOffset, double[]? bias, double[] y, int yOffset, int n, int m, int k, bool relu)
    {
        if ((long)xOffset + (long)n * k > x.Length || (long)wOffset + (long)m * k > w.Length || (long)yOffset + (long)n * m > y.Length
            || (bias is not null && bias.Length < m))
            throw new ArgumentException(
                $"x, W, y and the bias must lie inside their arrays: expected {n} × {k}, {m} × {k}, {n} × {m} and {m} values from their offsets, "
                + $"actual arrays of {x.Length}, {w.Length}, {y.Length} and {bias?.Length ?? 0}.");
        var shape = new Shape(n, m, k, xOffset, wOffset, yOffset);
        int tiled = Vector256.IsHardwareAccelerated ? n / TileRows * TileRows : 0;
        if (tiled > 0) Tiles(x, w, bias, y, shape, 0, tiled, relu);
        if (Vector256.IsHardwareAccelerated && n - tiled >= TileRows / 2) PaddedTile(x, w, bias, y, shape, tiled, relu);
        else RowByRow(x, w, bias, y, shape, tiled, n, relu);
    }

    /// <summary>
    /// The last 4 to 7 rows as one tile padded with zero rows (a training example's few rows, lesson 08):
    /// a register tile with rows to spare still beats them one by one.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PaddedTile(double[] x, double[] w, double[]? bias, double[] y, Shape s, int from, bool relu)
    {
        int rows = s.N - from, m = s.M, k = s.K;
        var padded = Scratch(ref _padded, TileRows * k);
        var tile = Scratch(ref _tile, TileRows * m);
        System.Array.Clear(padded, 0, TileRows * k);
        for (int c = 0; c < k; c++) System.Array.Copy(x, s.XOffset + c * s.N + from, padded, c * TileRows, rows);
        Tiles(padded, w, bias, tile, new Shape(TileRows, m, k, 0, s.WOffset, 0), 0, TileRows, relu);
        for (int j = 0; j < m; j++) System.Array.Copy(tile, j * TileRows, y, s.YOffset + j * s.N + from, rows);
    }

    // Each thread's scratch for the padded tile, grown as needed, never shared between threads.
    [ThreadStatic] private static double[]? _padded, _tile;

    private static double[] Scratch(ref double[]? buffer, int length) =>
        buffer is { } b && b.Length >= length ? b : buffer = new double[Math.Max(length, 2 * (buffer?.Length ?? 0))];

    private readonly record struct Shape(int N, int M, int K, int XOffset, int WOffset, int YOffset);

    /// <summary>Rows from … to − 1 (a multiple of 8 of them) of y = x Wᵀ (+ bias), in 8 × 4 register tiles.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tiles(double[] x, double[] w, double[]? bias, double[] y, Shape s, int from, int to, bool relu)
    {
        int n = s.N, m = s.M, k = s.K;
        ref double X = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(x), s.XOffset);
        ref double W = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(w), s.WOffset);
        ref double Y = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(y), s.YOffset);
        for (int i = from; i < to; i += TileRows)
        {
            int j = 0;
            for (; j + TileColumns <= m; j += TileColumns)
            {
                Vector256<double> a0 = default, a1 = default, a2 = default, a3 = default;
                if (bias is not null)
                    (a0, a1, a2, a3) = (Vector256.Create(bias[j]), Vector256.Create(bias[j + 1]), Vector256.Create(bias[j + 2]), Vector256.Create(bias[j + 3]));
                Vector256<double> b0 = a0, b1 = a1, b2 = a2, b3 = a3;
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
                Relu(a0, relu).StoreUnsafe(ref Y, (nuint)(j * n + i)); Relu(b0, relu).StoreUnsafe(ref Y, (nuint)(j * n + i + 4));
                Relu(a1, relu).StoreUnsafe(ref Y, (nuint)((j + 1) * n + i)); Relu(b1, relu).StoreUnsafe(ref Y, (nuint)((j + 1) * n + i + 4));
                Relu(a2, relu).StoreUnsafe(ref Y, (nuint)((j + 2) * n + i)); Relu(b2, relu).StoreUnsafe(ref Y, (nuint)((j + 2) * n + i + 4));
                Relu(a3, relu).StoreUnsafe(ref Y, (nuint)((j + 3) * n + i)); Relu(b3, relu).StoreUnsafe(ref Y, (nuint)((j + 3) * n + i + 4));
            }
            for (; j < m; j++)
            {
                Vector256<double> a = bias is null ? default : Vector256.Create(bias[j]), b = a;
                for (int c = 0; c < k; c++)
                {
                    var wj = Vector256.Create(Unsafe.Add(ref W, c * m + j));
                    a = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref X, (nuint)(c * n + i)), wj, a);
                    b = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref X, (nuint)(c * n + i + 4)), wj, b);
                }
                Relu(a, relu).StoreUnsafe(ref Y, (nuint)(j * n + i));
                Relu(b, relu).StoreUnsafe(ref Y, (nuint)(j * n + i + 4));
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Relu(Vector256<double> v, bool relu) => relu ? Vector256.Max(v, Vector256<double>.Zero) : v;

    /// <summary>Rows from … to − 1 of y = x Wᵀ (+ bias), each as Σ_c x[i, c] · W[:, c] (W's columns are contiguous).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RowByRow(double[] input, double[] weight, double[]? bias, double[] result, Shape s, int from, int to, bool relu)
    {
        int n = s.N, m = s.M, k = s.K;
        if (from >= to) return;
        var row = new double[m];
        int width = Simd.Vector<double>.Count;
        for (int i = from; i < to; i++)
        {
            if (bias is null) System.Array.Clear(row);
            else System.Array.Copy(bias, row, m);
            var y = row.AsSpan();
            for (int c = 0; c < k; c++)
            {
                double a = input[s.XOffset + c * n + i];
                if (a == 0) continue;
                var column = new ReadOnlySpan<double>(weight, s.WOffset + c * m, m);
                var scale = new Simd.Vector<double>(a);
                int j = 0;
                for (; j <= m - width; j += width)
                    (new Simd.Vector<double>(y.Slice(j, width)) + scale * new Simd.Vector<double>(column.Slice(j, width))).CopyTo(y.Slice(j, width));
                for (; j < m; j++) y[j] += a * column[j];
            }
            for (int j = 0; j < m; j++) result[s.YOffset + j * n + i] = relu && !(row[j] > 0) ? 0 : row[j];
        }
    }
}
