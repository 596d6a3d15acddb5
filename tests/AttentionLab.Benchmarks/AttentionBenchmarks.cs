using AttentionLab;
using BenchmarkDotNet.Attributes;
using MathNet.Numerics.LinearAlgebra;

/// <summary>The readable scaled dot-product attention at n = 256, d = 64 (lesson 11's starting point).</summary>
[MemoryDiagnoser]
public class AttentionBenchmarks
{
    private Matrix<double> _q = null!, _k = null!, _v = null!, _causal = null!;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        Matrix<double> Random() => Matrix<double>.Build.Dense(256, 64, (_, _) => rng.NextDouble() * 2 - 1);
        (_q, _k, _v) = (Random(), Random(), Random());
        _causal = Masks.Causal(256);
    }

    [Benchmark(Baseline = true, Description = "n=256 d=64, no mask")]
    public Matrix<double> Unmasked() => Attention.ScaledDotProduct(_q, _k, _v).Output;

    [Benchmark(Description = "n=256 d=64, causal mask")]
    public Matrix<double> Causal() => Attention.ScaledDotProduct(_q, _k, _v, _causal).Output;
}
