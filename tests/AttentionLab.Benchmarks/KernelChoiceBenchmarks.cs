using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using AttentionLab.Kernels;
using BenchmarkDotNet.Attributes;

/// <summary>
/// Why the fused kernel keeps its own exp: the online softmax exponentiates every visible score (x ≤ 0),
/// here 4,096 of them, with the kernel's Lanes256.Exp, the runtime's Vector256.Exp and TensorPrimitives.Exp.
/// </summary>
[MemoryDiagnoser]
public class ExpBenchmarks
{
    private readonly double[] _x = new double[4096], _y = new double[4096];

    /// <summary>False: every number finite. True: a 64 × 64 causal score tile, the hidden half −∞ (exp gives 0).</summary>
    [Params(false, true)]
    public bool Causal { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        for (int i = 0; i < _x.Length; i++)
            _x[i] = Causal && i / 64 > i % 64 ? double.NegativeInfinity : -30 * rng.NextDouble();
    }

    [Benchmark(Baseline = true, Description = "Math.Exp per number")]
    public void Scalar()
    {
        for (int i = 0; i < _x.Length; i++) _y[i] = Math.Exp(_x[i]);
    }

    [Benchmark(Description = "the kernel's Lanes256.Exp")]
    public void Kernel()
    {
        for (int i = 0; i < _x.Length; i += 4)
            Lanes256.Exp(Vector256.Create(_x, i)).CopyTo(_y, i);
    }

    [Benchmark(Description = "Vector256.Exp")]
    public void Runtime()
    {
        for (int i = 0; i < _x.Length; i += 4)
            Vector256.Exp(Vector256.Create(_x, i)).CopyTo(_y, i);
    }

    [Benchmark(Description = "TensorPrimitives.Exp")]
    public void Tensors() => TensorPrimitives.Exp(_x, _y);
}

/// <summary>
/// Why the fused kernel keeps its own fork–join: four blocks of work of about a query block's size
/// (n = 256, d = 64), shared by two cores through ForkJoin.Run and through Parallel.For, called in a loop
/// as a lesson or a layer calls the kernel.
/// </summary>
public class ForkJoinBenchmarks
{
    private const int Blocks = 4;
    private readonly double[][] _work = Enumerable.Range(0, Blocks).Select(_ => new double[16_384]).ToArray();

    private void Block(int b)
    {
        var a = _work[b];
        for (int i = 0; i < a.Length; i++) a[i] = a[i] * 0.999 + 1e-3;
    }

    [Benchmark(Baseline = true, Description = "Parallel.For")]
    public void ParallelFor() => Parallel.For(0, Blocks, new ParallelOptions { MaxDegreeOfParallelism = 2 }, Block);

    [Benchmark(Description = "ForkJoin.Run")]
    public void OwnForkJoin()
    {
        int next = -1;
        ForkJoin.Run(2, () =>
        {
            int b;
            while ((b = Interlocked.Increment(ref next)) < Blocks) Block(b);
        });
    }
}

/// <summary>
/// The exp measured where it runs: the fused kernel (d = 64, two cores) exponentiating each fully visible score
/// tile with its own exp in registers (between the tile's max and its sum) or with one TensorPrimitives.Exp call
/// per tile (FusedAttentionOptions.LibraryExp: a pass to subtract the max, the span call, a pass to sum).
/// </summary>
public class FusedExpBenchmarks
{
    private MathNet.Numerics.LinearAlgebra.Matrix<double> _q = null!, _k = null!, _v = null!, _output = null!;
    private static readonly FusedAttentionOptions Own = new(), Library = new() { LibraryExp = true };

    [Params(256, 1024)]
    public int N { get; set; }

    [Params(false, true)]
    public bool Causal { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(2024);
        MathNet.Numerics.LinearAlgebra.Matrix<double> Random() =>
            MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(N, 64, (_, _) => random.NextDouble() * 2 - 1);
        (_q, _k, _v, _output) = (Random(), Random(), Random(), Random());
    }

    [Benchmark(Baseline = true, Description = "own exp (Lanes)")]
    public void OwnExp() => FusedAttention.Compute(_q, _k, _v, Causal, options: Own, output: _output);

    [Benchmark(Description = "TensorPrimitives.Exp per tile")]
    public void LibraryExp() => FusedAttention.Compute(_q, _k, _v, Causal, options: Library, output: _output);
}
