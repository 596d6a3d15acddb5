using System.Numerics;
using System.Runtime.CompilerServices;

namespace AttentionLab.Kernels;

/// <summary>
/// The three matrix products training needs, on flat row-major arrays. The matrices of the tiny model
/// are a few dozen rows wide, where MathNet's general provider spends more time setting up than
/// computing; these loops walk contiguous rows with SIMD (System.Numerics.Vector) and allocate nothing
/// but their result. They are compiled fully optimised at once (AggressiveOptimization): a notebook's
/// training run is over in seconds, too soon for the JIT's tiers to catch up.
/// </summary>
internal static class FlatKernels
{
    /// <summary>Σ a[i]·b[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        int n = a.Length, w = Vector<double>.Count, i = 0;
        var sum = Vector<double>.Zero;
        for (; i <= n - w; i += w)
            sum += new Vector<double>(a.Slice(i, w)) * new Vector<double>(b.Slice(i, w));
        double s = Vector.Sum(sum);
        for (; i < n; i++) s += a[i] * b[i];
        return s;
    }

    /// <summary>y += alpha · x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddScaled(double alpha, ReadOnlySpan<double> x, Span<double> y)
    {
        int n = x.Length, w = Vector<double>.Count, i = 0;
        var a = new Vector<double>(alpha);
        for (; i <= n - w; i += w)
            (new Vector<double>(y.Slice(i, w)) + a * new Vector<double>(x.Slice(i, w))).CopyTo(y.Slice(i, w));
        for (; i < n; i++) y[i] += alpha * x[i];
    }

    /// <summary>C = A · Bᵀ with A n × k and B m × k: C[i, j] = row i of A · row j of B (n × m).</summary>
    /// <remarks>B starts at bOffset in its array, so a block of rows of a stacked weight can be used in place.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double[] MultiplyTransposed(double[] a, double[] b, int n, int k, int m, int bOffset = 0)
    {
        var c = new double[n * m];
        for (int i = 0; i < n; i++)
        {
            var row = new ReadOnlySpan<double>(a, i * k, k);
            for (int j = 0; j < m; j++) c[i * m + j] = Dot(row, new ReadOnlySpan<double>(b, bOffset + j * k, k));
        }
        return c;
    }

    /// <summary>C = A · B with A n × k and B k × m: row i of C is Σ_p A[i, p] · row p of B (n × m); B starts at bOffset; with addTo, C is added into it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double[] Multiply(double[] a, double[] b, int n, int k, int m, int bOffset = 0, double[]? addTo = null)
    {
        var c = addTo ?? new double[n * m];
        for (int i = 0; i < n; i++)
        {
            var row = new Span<double>(c, i * m, m);
            for (int p = 0; p < k; p++)
            {
                double x = a[i * k + p];
                if (x != 0) AddScaled(x, new ReadOnlySpan<double>(b, bOffset + p * m, m), row);
            }
        }
        return c;
    }

    /// <summary>C += Aᵀ · B with A n × k and B n × m (C is k × m, from cOffset): row p of C gains Σ_i A[i, p] · row i of B.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddTransposedMultiply(double[] a, double[] b, int n, int k, int m, double[] c, int cOffset = 0)
    {
        for (int i = 0; i < n; i++)
        {
            var row = new ReadOnlySpan<double>(b, i * m, m);
            for (int p = 0; p < k; p++)
            {
                double x = a[i * k + p];
                if (x != 0) AddScaled(x, row, new Span<double>(c, cOffset + p * m, m));
            }
        }
    }

    /// <summary>Columns [from, from + width) of an n × stride matrix, as a contiguous n × width copy.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double[] Columns(double[] x, int n, int stride, int from, int width)
    {
        var y = new double[n * width];
        for (int i = 0; i < n; i++) Array.Copy(x, i * stride + from, y, i * width, width);
        return y;
    }

    /// <summary>Adds an n × width block into columns [from, from + width) of an n × stride matrix.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddColumns(double[] block, int n, int width, double[] into, int stride, int from)
    {
        for (int i = 0; i < n; i++)
            for (int j = 0; j < width; j++) into[i * stride + from + j] += block[i * width + j];
    }

    /// <summary>x + y, element by element, as a new array.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double[] Sum(double[] x, double[] y)
    {
        var z = new double[x.Length];
        for (int i = 0; i < z.Length; i++) z[i] = x[i] + y[i];
        return z;
    }

    /// <summary>A flat row-major copy of a matrix.</summary>
    public static double[] FromMatrix(MathNet.Numerics.LinearAlgebra.Matrix<double> m)
    {
        var data = new double[m.RowCount * m.ColumnCount];
        for (int i = 0; i < m.RowCount; i++)
            for (int j = 0; j < m.ColumnCount; j++) data[i * m.ColumnCount + j] = m[i, j];
        return data;
    }

    /// <summary>A flat row-major array as an n × m matrix.</summary>
    public static MathNet.Numerics.LinearAlgebra.Matrix<double> ToMatrix(double[] x, int n, int m) =>
        MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(n, m, (i, j) => x[i * m + j]);
}
