using System.Runtime.CompilerServices;
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
    /// <summary>The numbers of a matrix row by row: row i at [i · columns, (i + 1) · columns).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double[] RowMajor(Matrix<double> a)
    {
        int n = a.RowCount, k = a.ColumnCount;
        var columns = a.AsColumnMajorArray() ?? a.ToColumnMajorArray();
        var rows = new double[n * k];
        for (int q = 0; q < k; q++)
            for (int i = 0; i < n; i++) rows[i * k + q] = columns[q * n + i];
        return rows;
    }

    /// <summary>
    /// A (n × k, given row by row) · B (k × m, column-major): n × m. Entry (i, j) is row i of A · column j of B,
    /// both contiguous: ∂L/∂x = ∂L/∂y · W with W as it is stored.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Matrix<double> Multiply(double[] rowsOfA, int n, int k, Matrix<double> b)
    {
        int m = b.ColumnCount;
        var columnsOfB = b.AsColumnMajorArray() ?? b.ToColumnMajorArray();
        var c = new double[n * m];
        for (int j = 0; j < m; j++)
        {
            var column = new ReadOnlySpan<double>(columnsOfB, j * k, k);
            for (int i = 0; i < n; i++) c[j * n + i] = Dot(new ReadOnlySpan<double>(rowsOfA, i * k, k), column);
        }
        return Matrix<double>.Build.Dense(n, m, c);
    }

    /// <summary>
    /// C (p × m, column-major) += Aᵀ · B for A (n × p, given row by row) and B (n × m, column-major): column j
    /// of C gains Σ_i B[i, j] · row i of A, contiguous SIMD axpys: ∂L/∂W += (∂L/∂y)ᵀ x.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddTransposeThisAndMultiply(double[] rowsOfA, int n, int p, Matrix<double> b, double[] c)
    {
        var columnsOfB = b.AsColumnMajorArray() ?? b.ToColumnMajorArray();
        for (int j = 0; j < b.ColumnCount; j++)
        {
            var into = new Span<double>(c, j * p, p);
            for (int i = 0; i < n; i++)
            {
                double s = columnsOfB[j * n + i];
                if (s != 0) AddScaled(s, new ReadOnlySpan<double>(rowsOfA, i * p, p), into);
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddScaled(double alpha, ReadOnlySpan<double> x, Span<double> y)
    {
        int n = x.Length, w = Simd.Vector<double>.Count, i = 0;
        var a = new Simd.Vector<double>(alpha);
        for (; i <= n - w; i += w)
            (new Simd.Vector<double>(y.Slice(i, w)) + a * new Simd.Vector<double>(x.Slice(i, w))).CopyTo(y.Slice(i, w));
        for (; i < n; i++) y[i] += alpha * x[i];
    }
}
