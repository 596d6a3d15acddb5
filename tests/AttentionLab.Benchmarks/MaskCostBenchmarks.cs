using AttentionLab;
using AttentionLab.Kernels;
using BenchmarkDotNet.Attributes;
using MathNet.Numerics.LinearAlgebra;

namespace AttentionLab.Benchmarks;

/// <summary>
/// Lesson 12's figures: what the masks of today's models cost the fused kernel at n = 4096, d = 64, float64,
/// every core: no mask, causal, a sliding window of 256, eight packed documents (block-diagonal and causal).
/// The column "visible" is the share of the n × n scores the mask shows. Run with
/// <c>dotnet run -c Release --project tests/AttentionLab.Benchmarks -- --filter '*MaskCost*'</c>.
/// </summary>
[Config(typeof(AttentionAtScaleConfig))]
public class MaskCostBenchmarks
{
    public const int N = 4096, D = 64;

    private Matrix<double> _q = null!, _k = null!, _v = null!;
    private Mask _mask = null!;

    [Params("none", "causal", "sliding window 256", "8 documents, causal")]
    public string Mask { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(2024);
        Matrix<double> Random() => Matrix<double>.Build.Dense(N, D, (_, _) => random.NextDouble() * 2 - 1);
        (_q, _k, _v) = (Random(), Random(), Random());
        _mask = Mask switch
        {
            "none" => AttentionLab.Mask.All(N, N),
            "causal" => AttentionLab.Mask.Causal(N),
            "sliding window 256" => AttentionLab.Mask.SlidingWindow(N, 256),
            _ => AttentionLab.Mask.Document([.. Enumerable.Range(0, N).Select(i => i / (N / 8))]) & AttentionLab.Mask.Causal(N),
        };
        Console.WriteLine($"// {Mask}: visible {_mask.VisibleFraction:P1} of the scores, blocks computed {_mask.Plan(64, 64).ComputedFraction:P1}");
    }

    [Benchmark]
    public Matrix<double> Fused() => FusedAttention.Compute(_q, _k, _v, _mask).Output;
}
