using AttentionLab.Kernels;
using BenchmarkDotNet.Attributes;
using MathNet.Numerics.LinearAlgebra;

/// <summary>
/// Why the layers multiply with their own kernel: x · Wᵀ by MathNet 5's managed provider and by
/// MatrixKernels, at the shapes the course's layers and heads use (rows × in → out).
/// </summary>
[MemoryDiagnoser]
public class MatrixKernelBenchmarks
{
    private Matrix<double> _x = null!, _w = null!;

    /// <summary>rows × in → out: a cache step's one row, a head's scores, a layer at n = 64, the feed-forward's widening.</summary>
    [Params("1x64->64", "64x16->64", "64x64->64", "64x64->256")]
    public string Shape { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var parts = Shape.Split('x', '-', '>').Where(p => p.Length > 0).Select(int.Parse).ToArray();
        var rng = new Random(1);
        _x = Matrix<double>.Build.Dense(parts[0], parts[1], (_, _) => rng.NextDouble() - 0.5);
        _w = Matrix<double>.Build.Dense(parts[2], parts[1], (_, _) => rng.NextDouble() - 0.5);
    }

    [Benchmark(Baseline = true, Description = "MathNet TransposeAndMultiply")]
    public Matrix<double> MathNet() => _x.TransposeAndMultiply(_w);

    [Benchmark(Description = "MatrixKernels.MultiplyTransposed")]
    public Matrix<double> Kernel() => MatrixKernels.MultiplyTransposed(_x, _w);
}
