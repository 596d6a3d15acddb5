using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using MathNet.Numerics.LinearAlgebra;
using Simd = System.Numerics;

namespace AttentionLab.Kernels;

/// <summary>
/// The products of backpropagation (lesson 08), on MathNet's column-major storage: element (i, j) of an
/// n × m matrix at <c>j * n + i</c>, so a head's columns of Q, K or V are one contiguous run and need no copy.
/// A layer's matrices here are a few rows by a few dozen columns, where MathNet's general product spends
/// most of its time setting up and allocating; these loops walk contiguous runs with SIMD and allocate
/// nothing but what the caller asks for.
/// </summary>
internal static class BackwardKernels
{
    /// <summary>
    /// The numbers of a matrix row by row: row i at [i · columns, (i + 1) · columns), followed by zero rows up to a
    /// multiple of four (what <see cref="Multiply(double[], int, int, Matrix{double})"/> reads four rows at a time).
    /// The array is this thread's scratch: it holds the rows until the thread's next call.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double[] RowMajor(Matrix<double> a)
    {
        int n = a.RowCount, k = a.ColumnCount;
        var columns = a.AsColumnMajorArray() ?? a.ToColumnMajorArray();
        int length = (n + 3) / 4 * 4 * k;
        var rows = _rows is { } b && b.Length >= length ? b : _rows = new double[Math.Max(length, 2 * (_rows?.Length ?? 0))];
        Array.Clear(rows, n * k, length - n * k);
        for (int q = 0; q < k; q++)
            for (int i = 0; i < n; i++) rows[i * k + q] = columns[q * n + i];
        return rows;
    }

    [ThreadStatic] private static double[]? _rows;

    /// <summary>
    /// A (n × k, given row by row by <see cref="RowMajor"/>) · B (k × m, column-major): n × m. Entry (i, j) is
    /// row i of A · column j of B, both contiguous: ∂L/∂x = ∂L/∂y · W with W as it is stored. Four rows share
    /// each load of B's column.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Matrix<double> Multiply(double[] rowsOfA, int n, int k, Matrix<double> b)
    {
        int m = b.ColumnCount, full = k / 4 * 4;
        var columnsOfB = b.AsColumnMajorArray() ?? b.ToColumnMajorArray();
        var c = new double[n * m];
        ref double A = ref MemoryMarshal.GetArrayDataReference(rowsOfA);
        ref double B = ref MemoryMarshal.GetArrayDataReference(columnsOfB);
        for (int j = 0; j < m; j++)
        {
            int i = 0, bj = j * k;
            for (; i < n; i += 4) // RowMajor pads A to a multiple of four rows
            {
                Vector256<double> s0 = default, s1 = default, s2 = default, s3 = default;
                int a0 = i * k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
                for (int q = 0; q < full; q += 4)
                {
                    var column = Vector256.LoadUnsafe(ref B, (nuint)(bj + q));
                    s0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref A, (nuint)(a0 + q)), column, s0);
                    s1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref A, (nuint)(a1 + q)), column, s1);
                    s2 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref A, (nuint)(a2 + q)), column, s2);
                    s3 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref A, (nuint)(a3 + q)), column, s3);
                }
                double t0 = Vector256.Sum(s0), t1 = Vector256.Sum(s1), t2 = Vector256.Sum(s2), t3 = Vector256.Sum(s3);
                for (int q = full; q < k; q++)
                {
                    double bq = columnsOfB[bj + q];
                    t0 += rowsOfA[a0 + q] * bq; t1 += rowsOfA[a1 + q] * bq; t2 += rowsOfA[a2 + q] * bq; t3 += rowsOfA[a3 + q] * bq;
                }
                c[j * n + i] = t0;
                if (i + 1 < n) c[j * n + i + 1] = t1;
                if (i + 2 < n) c[j * n + i + 2] = t2;
                if (i + 3 < n) c[j * n + i + 3] = t3;
            }
        }
        return Matrix<double>.Build.Dense(n, m, c);
    }

    /// <summary>
    /// C (p × m, column-major) += Aᵀ · B for A (n × p, given row by row) and B (n × m, column-major): column j
    /// of C gains Σ_i B[i, j] · row i of A: ∂L/∂W += (∂L/∂y)ᵀ x. Sixteen numbers of C's column stay in registers
    /// while every row of A adds its share.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddTransposeThisAndMultiply(double[] rowsOfA, int n, int p, Matrix<double> b, double[] c)
    {
        var columnsOfB = b.AsColumnMajorArray() ?? b.ToColumnMajorArray();
        int blocks = p / 16 * 16;
        ref double A = ref MemoryMarshal.GetArrayDataReference(rowsOfA);
        ref double C = ref MemoryMarshal.GetArrayDataReference(c);
        for (int j = 0; j < b.ColumnCount; j++)
        {
            int cj = j * p;
            for (int q = 0; q < blocks; q += 16)
            {
                var c0 = Vector256.LoadUnsafe(ref C, (nuint)(cj + q));
                var c1 = Vector256.LoadUnsafe(ref C, (nuint)(cj + q + 4));
                var c2 = Vector256.LoadUnsafe(ref C, (nuint)(cj + q + 8));
                var c3 = Vector256.LoadUnsafe(ref C, (nuint)(cj + q + 12));
                for (int i = 0; i < n; i++)
                {
                    var s = Vector256.Create(columnsOfB[j * n + i]);
                    int a = i * p + q;
                    c0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref A, (nuint)a), s, c0);
                    c1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref A, (nuint)(a + 4)), s, c1);
                    c2 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref A, (nuint)(a + 8)), s, c2);
                    c3 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref A, (nuint)(a + 12)), s, c3);
                }
                c0.StoreUnsafe(ref C, (nuint)(cj + q));
                c1.StoreUnsafe(ref C, (nuint)(cj + q + 4));
                c2.StoreUnsafe(ref C, (nuint)(cj + q + 8));
                c3.StoreUnsafe(ref C, (nuint)(cj + q + 12));
            }
            if (blocks == p) continue;
            for (int i = 0; i < n; i++)
            {
                double s = columnsOfB[j * n + i];
                if (s != 0) AddScaled(s, new ReadOnlySpan<double>(rowsOfA, i * p + blocks, p - blocks), new Span<double>(c, cj + blocks, p - blocks));
            }
        }
    }

    /// <summary>into[j] += Σ_i A[i, j] for A given row by row: the gradient of a bias added to every row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddColumnSums(double[] rowsOfA, int n, double[] into)
    {
        for (int i = 0; i < n; i++) AddScaled(1, new ReadOnlySpan<double>(rowsOfA, i * into.Length, into.Length), into);
    }

    /// <summary>
    /// C (n × m) = A (n × k) · B, all column-major, with B k × m, or with transposeB, Bᵀ for B m × k: column j of C
    /// is Σ_q B[q, j] · column q of A.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply(ReadOnlySpan<double> a, int n, int k, ReadOnlySpan<double> b, int m, Span<double> c, bool transposeB = false)
    {
        c.Slice(0, n * m).Clear();
        for (int j = 0; j < m; j++)
            for (int q = 0; q < k; q++)
            {
                double s = transposeB ? b[q * m + j] : b[j * k + q];
                if (s != 0) AddScaled(s, a.Slice(q * n, n), c.Slice(j * n, n));
            }
    }

    /// <summary>C (p × m) = Aᵀ · B for A (n × p) and B (n × m), all column-major: C[r, j] = column r of A · column j of B.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void TransposeThisAndMultiply(ReadOnlySpan<double> a, int n, int p, ReadOnlySpan<double> b, int m, Span<double> c)
    {
        for (int j = 0; j < m; j++)
            for (int r = 0; r < p; r++) c[j * p + r] = Dot(a.Slice(r * n, n), b.Slice(j * n, n));
    }

    /// <summary>Σ a[i]·b[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        int n = a.Length, w = Simd.Vector<double>.Count, i = 0;
        var sum = Simd.Vector<double>.Zero;
        for (; i <= n - w; i += w)
            sum += new Simd.Vector<double>(a.Slice(i, w)) * new Simd.Vector<double>(b.Slice(i, w));
        double s = Simd.Vector.Sum(sum);
        for (; i < n; i++) s += a[i] * b[i];
        return s;
    }

    /// <summary>y += alpha · x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddScaled(double alpha, ReadOnlySpan<double> x, Span<double> y)
    {
        int n = x.Length, w = Simd.Vector<double>.Count, i = 0;
        var a = new Simd.Vector<double>(alpha);
        for (; i <= n - w; i += w)
            (new Simd.Vector<double>(y.Slice(i, w)) + a * new Simd.Vector<double>(x.Slice(i, w))).CopyTo(y.Slice(i, w));
        for (; i < n; i++) y[i] += alpha * x[i];
    }
}
